import { Op, type Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { Evaluation } from '../../../models/Evaluation.js';
import { EvaluationScore } from '../../../models/EvaluationScore.js';
import { EvaluationTemplate } from '../../../models/EvaluationTemplate.js';
import { EvaluationTemplateIndicator } from '../../../models/EvaluationTemplateIndicator.js';
import { District } from '../../../models/index.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import type { ScheduleForm } from '../../schemas/evaluations.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, lockedContract } from '../kernel.js';

/** A template the officer may use for a contract of `districtId`: the district's own or the city level's. */
export async function usableTemplate(templateId: number, districtId: number, transaction: Transaction): Promise<EvaluationTemplate> {
  const template = await EvaluationTemplate.findByPk(templateId, { include: [{ model: District, as: 'district' }], transaction });
  if (!template || (template.districtId !== districtId && template.district?.kind !== 'city')) {
    throw new ValidationError({ templateId: 'evaluations.validation.templateOfDistrict' });
  }
  return template;
}

/** Gives an evaluation its own copy of a template's indicators (a later edit of the template never changes it). */
export async function copyIndicators(evaluationId: number, templateId: number, transaction: Transaction): Promise<void> {
  const indicators = await EvaluationTemplateIndicator.findAll({ where: { templateId }, order: [['seq', 'ASC']], transaction });
  await EvaluationScore.bulkCreate(
    indicators.map((i) => ({ evaluationId, seq: i.seq, name: i.name, computedCode: i.computedCode, weight: i.weight, scale: i.scale })),
    { transaction },
  );
}

/** Creates a scheduled evaluation with its own copy of the template's indicators. */
export async function createEvaluation(contract: Contract, form: ScheduleForm, sampleId: number | null, by: By, transaction: Transaction): Promise<Evaluation> {
  const evaluation = await Evaluation.create(
    {
      contractId: contract.id,
      templateId: form.templateId,
      sampleId,
      districtId: contract.districtId,
      organisationId: contract.organisationId,
      year: Number(form.periodEnd.slice(0, 4)),
      kind: form.kind,
      periodStart: form.periodStart,
      periodEnd: form.periodEnd,
      dueOn: form.dueOn,
      createdBy: by.actor.id,
    },
    { transaction },
  );
  await copyIndicators(evaluation.id, form.templateId, transaction);
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'evaluation.schedule',
    recordType: 'evaluation',
    recordId: evaluation.id,
    districtId: contract.districtId,
    detail: {
      contractId: contract.id,
      kind: form.kind,
      templateId: form.templateId,
      sampleId,
      period: [form.periodStart, form.periodEnd],
      dueOn: form.dueOn,
      status: { from: null, to: 'scheduled' },
    },
    context: by.context,
  });
  return evaluation;
}

/**
 * An officer schedules an evaluation of an active contract of their district: the period lies
 * within the contract's term and ends before it is due; a contract has one final evaluation that
 * is not cancelled.
 */
export async function evaluationScheduler(contractId: number, form: ScheduleForm, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    // Locked, so two finals scheduled at once for one contract queue here and the second sees the first.
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'schedule', EVALUATION_RESOURCE, c));
    if (contract.status !== 'active') throw new ConflictError('evaluations.errors.contractNotActive', { status: contract.status });
    await usableTemplate(form.templateId, contract.districtId, transaction);
    if (form.periodStart > form.periodEnd || form.periodStart < contract.termStart || form.periodEnd > contract.termEnd) {
      throw new ValidationError({ periodEnd: 'evaluations.validation.periodInTerm' });
    }
    if (form.dueOn < form.periodEnd) throw new ValidationError({ dueOn: 'evaluations.validation.dueAfterPeriod' });
    if (form.kind === 'final' && (await Evaluation.count({ where: { contractId, kind: 'final', status: { [Op.ne]: 'cancelled' } }, transaction })) > 0) {
      throw new ConflictError('evaluations.errors.finalExists');
    }
    return createEvaluation(contract, form, null, by, transaction);
  });
}
