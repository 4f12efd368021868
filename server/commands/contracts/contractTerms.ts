import { Op, type Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { ContractTarget } from '../../../models/ContractTarget.js';
import { Instalment } from '../../../models/Instalment.js';
import { type FieldErrors, ValidationError } from '../../errors.js';
import type { ContractTermsForm, TargetInput } from '../../schemas/contracts.js';
import { categorySetOf } from '../../services/service-categories.js';
import { buildSchedule, type ScheduledInstalment, termErrors } from '../../services/contract-terms.js';

/**
 * Targets: a service category of the version the contract buys (`categoryYear`, #21), a metric
 * key, a positive count; one per category metric.
 */
export async function targetErrors(targets: readonly TargetInput[], categoryYear: number, transaction: Transaction): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const set = await categorySetOf(categoryYear, transaction);
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    if (!set.get(t.categoryCode)) errors[`category_${i}`] = 'contracts.validation.unknownCategory';
    // The metric must be one the deliverables report (the version's metrics), so progress can be computed.
    else if (!set.targetMetricOf(t.categoryCode, t.metric)) errors[`metric_${i}`] = 'contracts.validation.metric';
    if (!Number.isSafeInteger(t.targetCount) || t.targetCount <= 0) errors[`count_${i}`] = 'contracts.validation.countPositive';
    const key = `${t.categoryCode}/${t.metric}`;
    if (seen.has(key)) errors[`metric_${i}`] = 'contracts.validation.duplicateTarget';
    seen.add(key);
  });
  return errors;
}

/** Checks the term, targets and schedule of `form` for `valueFen`: 422 with every error beside its field. */
export async function checkTerms(
  form: ContractTermsForm,
  valueFen: number,
  categoryYear: number,
  transaction: Transaction,
  fixedFen = 0,
): Promise<ScheduledInstalment[]> {
  const errors: FieldErrors = {
    ...termErrors(form.termStart, form.termEnd, form.termJustification),
    ...(await targetErrors(form.targets, categoryYear, transaction)),
  };
  if (form.reimbursementCeilingFen < 0) errors.reimbursementCeiling = 'contracts.validation.ceiling';
  const { schedule, errors: scheduleErrors } = buildSchedule(valueFen - fixedFen, form.scheduleMode, form.instalments);
  Object.assign(errors, scheduleErrors);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return schedule;
}

/** Replaces a contract's targets with `targets`. */
export async function writeTargets(contractId: number, targets: readonly TargetInput[], transaction: Transaction): Promise<void> {
  await ContractTarget.destroy({ where: { contractId }, transaction });
  if (targets.length)
    await ContractTarget.bulkCreate(
      targets.map((t) => ({ contractId, ...t })),
      { transaction },
    );
}

/** Writes `schedule` as the contract's instalments (created in version `versionFrom`). */
export async function writeInstalments(
  contractId: number,
  schedule: readonly ScheduledInstalment[],
  versionFrom: number,
  transaction: Transaction,
  firstSeq = 1,
) {
  await Instalment.bulkCreate(
    schedule.map((s, i) => ({ contractId, ...s, seq: firstSeq + i, versionFrom })),
    { transaction },
  );
}

/** The row values of a draft's terms (everything but its project, award and money). */
export function termsOf(form: ContractTermsForm) {
  return {
    number: form.number,
    signedOn: form.signedOn,
    termStart: form.termStart,
    termEnd: form.termEnd,
    termJustification: form.termJustification,
    content: form.content,
    quantity: form.quantity,
    qualityStandard: form.qualityStandard,
    priceTerms: form.priceTerms,
    settlementMethod: form.settlementMethod,
    rightsObligations: form.rightsObligations,
    breachLiability: form.breachLiability,
    reimbursementCeilingFen: form.reimbursementCeilingFen,
    announcementUrl: form.announcementUrl,
    announcedOn: form.announcedOn,
  };
}

/** The number is unique across the system: 422 beside it otherwise. */
export async function checkNumber(number: string, exceptId: number, transaction: Transaction): Promise<void> {
  if (await Contract.findOne({ where: { number, id: { [Op.ne]: exceptId } }, attributes: ['id'], transaction })) {
    throw new ValidationError({ number: 'contracts.validation.numberTaken' });
  }
}
