import { EVALUATION_TRANSITIONS, type Evaluation } from '../../../models/Evaluation.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';

/**
 * The officer cancels an evaluation that has not been submitted (scheduled or being scored), with
 * a reason: it stays on record, cancelled, and blocks nothing (a new final evaluation of the
 * contract may be scheduled). 409 once submitted or confirmed.
 */
export async function evaluationCanceller(id: number, reason: string, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'cancel', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    const from = evaluation.status;
    const to = checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'cancel');
    await evaluation.update({ status: to, cancelReason: reason, cancelledBy: by.actor.id, cancelledAt: now() }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.cancel',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: { status: { from, to }, reason },
      context: by.context,
    });
    return evaluation;
  });
}
