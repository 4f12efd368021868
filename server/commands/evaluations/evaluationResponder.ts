import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';

/**
 * The organisation writes its response to a confirmed evaluation of its own, kept with the
 * evaluation (once: a second one is a 409).
 */
export async function evaluationResponder(id: number, response: string, by: By, options: { confirmPersonalData?: boolean } = {}): Promise<void> {
  const confirmed = checkFreeText({ response }, options.confirmPersonalData ?? false);
  await withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'respond', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    if (evaluation.response) throw new ConflictError('evaluations.errors.alreadyResponded');
    await evaluation.update({ response, respondedBy: by.actor.id, respondedAt: now() }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.respond',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: { response, ...confirmedPersonalData(confirmed) },
      context: by.context,
    });
  });
}
