import { EVALUATION_TRANSITIONS, type Evaluation } from '../../../models/Evaluation.js';
import { EvaluationScore } from '../../../models/EvaluationScore.js';
import { withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';

/**
 * The officer marks a computed indicator of an evaluation not applicable, with the reason (DOMAIN.md,
 * "An indicator with nothing to judge"): it is shown as such, has no score, and the other weights
 * are scaled to 100 in the total. A `reason` of null takes the mark back. Only before submission
 * (409 after), only a computed indicator (422: the evaluator scores the others).
 */
export async function notApplicableMarker(id: number, seq: number, reason: string | null, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'mark_not_applicable', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'mark_not_applicable');
    const score = await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq }, transaction });
    if (!score?.computedCode) throw new ValidationError({ seq: 'evaluations.validation.computedOnly' });
    // Something must be left to total.
    const applicable = await EvaluationScore.count({ where: { evaluationId: evaluation.id, notApplicableReason: null }, transaction });
    if (reason && !score.notApplicableReason && applicable <= 1) throw new ValidationError({ seq: 'evaluations.validation.lastApplicable' });
    const from = score.notApplicableReason;
    await score.update({ notApplicableReason: reason, scoreHundredths: null, sources: null, comment: null }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: reason ? 'evaluation.not_applicable' : 'evaluation.applicable',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: { seq, indicator: score.name, reason: { from, to: reason } },
      context: by.context,
    });
    return evaluation;
  });
}
