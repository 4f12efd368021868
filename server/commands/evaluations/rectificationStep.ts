import { RECTIFICATION_TRANSITIONS, RectificationItem, type RectificationTransition } from '../../../models/RectificationItem.js';
import { canMove } from '../../../models/transitions.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { RECTIFICATION_RESOURCE, rectificationOf } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';

/**
 * A step of a rectification item: the organisation reports what it did (`open → reported`), the
 * officer closes it (`reported → closed`) or reopens it with a reason (`reported → open`). When the
 * last item closes, the evaluation's rectification is closed. Refused moves are 409; an item of
 * another organisation (or district) is a 404.
 */
export async function rectificationStep(
  evaluationId: number,
  itemId: number,
  step: RectificationTransition,
  text: string | null,
  by: By,
  options: { confirmPersonalData?: boolean } = {},
): Promise<RectificationItem> {
  const confirmed = step === 'report' ? checkFreeText({ report: text }, options.confirmPersonalData ?? false) : [];
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(evaluationId, transaction);
    const item = await RectificationItem.findByPk(itemId, { transaction, lock: rowLock() });
    if (!item || item.evaluationId !== evaluation.id) throw new NotFoundError();
    if (!can(by.actor, step, RECTIFICATION_RESOURCE, rectificationOf(evaluation, item))) throw new NotFoundError();
    const { from, to } = RECTIFICATION_TRANSITIONS[step];
    if (!canMove(RECTIFICATION_TRANSITIONS, item.status, step)) throw new ConflictError(`evaluations.errors.rectification.${step}`, { status: item.status });
    const at = now();
    const changes =
      step === 'report'
        ? { status: to, report: text, reportedBy: by.actor.id, reportedAt: at }
        : step === 'close'
          ? { status: to, closedBy: by.actor.id, closedAt: at }
          : { status: to, reopenReason: text };
    await item.update(changes, { transaction });
    if (step === 'close' && (await RectificationItem.count({ where: { evaluationId: evaluation.id, status: ['open', 'reported'] }, transaction })) === 0) {
      await evaluation.update({ rectificationClosedAt: at }, { transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: step === 'report' ? 'rectification.report' : step === 'close' ? 'rectification.close' : 'rectification.reopen',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: {
        itemId: item.id,
        seq: item.seq,
        status: { from: from[0], to },
        text,
        closed: !!evaluation.rectificationClosedAt,
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
    return item;
  });
}
