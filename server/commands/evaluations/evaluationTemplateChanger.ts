import { EVALUATION_TRANSITIONS, type Evaluation } from '../../../models/Evaluation.js';
import { EvaluationScore } from '../../../models/EvaluationScore.js';
import { withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition, checkVersion } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';
import { copyIndicators, usableTemplate } from './evaluationScheduler.js';

/**
 * Before scoring starts (still scheduled) the officer may give an evaluation another template of
 * the district or the city: its indicators are replaced by a copy of the new template's. 409 once
 * the evaluator has saved scores; 422 for a template outside the district.
 */
export async function evaluationTemplateChanger(id: number, templateId: number, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'change_template', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'change_template');
    await usableTemplate(templateId, evaluation.districtId, transaction);
    const from = evaluation.templateId;
    await EvaluationScore.destroy({ where: { evaluationId: evaluation.id }, transaction });
    await copyIndicators(evaluation.id, templateId, transaction);
    // Other indicators now: a score form opened on the old ones is stale (its rows are not these).
    await evaluation.update({ templateId, ...checkVersion(evaluation, undefined) }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.change_template',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: { templateId: { from, to: templateId } },
      context: by.context,
    });
    return evaluation;
  });
}
