import { randomInt } from 'node:crypto';
import { Op, type Transaction, UniqueConstraintError } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { EvaluationSample } from '../../../models/EvaluationSample.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { addMonths } from '../../services/calendar.js';
import { drawSample } from '../../services/evaluation-sample.js';
import { auditActorOf, type By } from '../kernel.js';
import { createEvaluation, usableTemplate } from './evaluationScheduler.js';

/** The sample form as the command takes it: district, year, seed (null: a fresh one), template, due day and the contracts chosen by hand. */
export type SampleForm = { districtId: number; year: number; seed: number | null; templateId: number; dueOn: string; manualContractIds: number[] };

/** Whether a contract runs longer than a year: its term reaches past the same day twelve months on. */
export function runsLongerThanAYear(c: { termStart: string; termEnd: string }): boolean {
  return c.termEnd >= addMonths(c.termStart, 12);
}

/**
 * The contracts of a district eligible for the year's spot-check sample: active or completed,
 * running in that year and longer than a year, in ascending id order (the order the draw reads).
 */
export async function sampleEligible(districtId: number, year: number, transaction?: Transaction): Promise<Contract[]> {
  const contracts = await Contract.findAll({
    where: { districtId, status: { [Op.in]: ['active', 'completed'] }, termStart: { [Op.lte]: `${year}-12-31` }, termEnd: { [Op.gte]: `${year}-01-01` } },
    order: [['id', 'ASC']],
    transaction,
  });
  return contracts.filter(runsLongerThanAYear);
}

/**
 * An officer draws the district's yearly spot-check sample (once per district and year): ⌈30 %⌉
 * of the eligible contracts, hand-chosen ones first, the rest drawn with mulberry32 over a seed
 * (given, or a fresh random one) that is recorded with the inputs; the contracts sampled the year
 * before are left out of the draw (an officer may still choose one by hand). Each sampled contract
 * gets a scheduled spot check of the year's part of its term, all in one transaction.
 */
export async function sampleDrawer(form: SampleForm, by: By): Promise<EvaluationSample> {
  if (!can(by.actor, 'sample', EVALUATION_RESOURCE, { districtId: form.districtId }))
    throw new ValidationError({ districtId: 'projects.errors.districtNotYours' });
  try {
    return await drawInTransaction(form, by);
  } catch (err) {
    // Two draws racing for one district and year: the unique index answers for the second.
    if (err instanceof UniqueConstraintError) throw new ConflictError('evaluations.errors.sampleExists', { year: form.year });
    throw err;
  }
}

function drawInTransaction(form: SampleForm, by: By): Promise<EvaluationSample> {
  return withTransaction(async (transaction) => {
    if (await EvaluationSample.findOne({ where: { districtId: form.districtId, year: form.year }, transaction })) {
      throw new ConflictError('evaluations.errors.sampleExists', { year: form.year });
    }
    await usableTemplate(form.templateId, form.districtId, transaction);
    const eligible = await sampleEligible(form.districtId, form.year, transaction);
    const eligibleIds = eligible.map((c) => c.id);
    const manualIds = [...new Set(form.manualContractIds)].sort((a, b) => a - b);
    if (manualIds.some((id) => !eligibleIds.includes(id))) throw new ValidationError({ manualContracts: 'evaluations.validation.manualNotEligible' });
    const previous = await EvaluationSample.findOne({ where: { districtId: form.districtId, year: form.year - 1 }, transaction });
    const excludedIds = previous
      ? [...new Set([...previous.drawnIds, ...previous.manualIds])].filter((id) => eligibleIds.includes(id)).sort((a, b) => a - b)
      : [];
    const seed = form.seed ?? randomInt(0, 2 ** 32);
    const draw = drawSample({ seed, eligibleIds, excludedIds, manualIds });
    const sample = await EvaluationSample.create(
      {
        districtId: form.districtId,
        year: form.year,
        seed,
        eligibleIds,
        excludedIds,
        manualIds,
        drawnIds: draw.drawn,
        requiredCount: draw.required,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    for (const contract of eligible.filter((c) => manualIds.includes(c.id) || draw.drawn.includes(c.id))) {
      const periodStart = contract.termStart > `${form.year}-01-01` ? contract.termStart : `${form.year}-01-01`;
      const periodEnd = contract.termEnd < `${form.year}-12-31` ? contract.termEnd : `${form.year}-12-31`;
      const dueOn = [form.dueOn, periodEnd].sort()[1];
      await createEvaluation(contract, { kind: 'spot_check', templateId: form.templateId, periodStart, periodEnd, dueOn }, sample.id, by, transaction);
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.sample',
      recordType: 'evaluation_sample',
      recordId: sample.id,
      districtId: form.districtId,
      detail: { year: form.year, seed, eligibleIds, excludedIds, manualIds, drawnIds: draw.drawn, required: draw.required, shortfall: draw.shortfall },
      context: by.context,
    });
    return sample;
  });
}
