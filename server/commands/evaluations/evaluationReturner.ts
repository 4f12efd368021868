import { EVALUATION_TRANSITIONS, type Evaluation } from '../../../models/Evaluation.js';
import { withTransaction } from '../../db.js';
import { Contract } from '../../../models/Contract.js';
import { recordAudit } from '../../services/audit.js';
import { notify } from '../../services/notifications.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';

/** The officer disagrees with a submitted evaluation and returns it to the evaluator, with a reason (back to `in_progress`). */
export async function evaluationReturner(id: number, reason: string, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    const to = checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'return');
    await evaluation.update({ status: to, returnReason: reason, totalHundredths: null, grade: null, submittedAt: null, submittedBy: null }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.return',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: { status: { from: 'submitted', to }, reason },
      context: by.context,
    });
    const contract = await Contract.findByPk(evaluation.contractId, { attributes: ['id', 'number'], transaction });
    await notify(
      [evaluation.evaluatorId],
      {
        kind: 'evaluationReturned',
        recordType: 'evaluation',
        recordId: evaluation.id,
        href: `/evaluations/${evaluation.id}`,
        params: { contract: contract?.number, evaluationKind: evaluation.kind, reason },
      },
      by.actor.id,
    );
    return evaluation;
  });
}
