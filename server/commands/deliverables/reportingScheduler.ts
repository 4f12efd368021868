import { Op, type Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { ContractTarget } from '../../../models/ContractTarget.js';
import { Deliverable } from '../../../models/Deliverable.js';
import { Instalment, type MilestoneKind } from '../../../models/Instalment.js';
import { ReportingSchedule } from '../../../models/ReportingSchedule.js';
import { withTransaction } from '../../db.js';
import { ConflictError, type FieldErrors, ValidationError } from '../../errors.js';
import { DELIVERABLE_RESOURCE } from '../../policies/deliverable.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { deliverableCategoryOf } from '../../services/deliverable-metrics.js';
import type { ReportingFrequency } from '../../../models/ReportingSchedule.js';
import { MAX_GRACE_DAYS, reportingPeriods } from '../../services/reporting-schedule.js';
import { markMilestonesMet } from '../contracts/markMilestonesMet.js';
import { auditActorOf, type By, lockedContract } from '../kernel.js';

export type MilestoneCondition = { instalmentId: number; kind: MilestoneKind; through: string | null; shareBp: number | null };

/** The parsed schedule form: how often deliverables fall due, and what each open instalment's milestone is tied to. */
export type ScheduleForm = { frequency: ReportingFrequency; graceDays: number; dates: string[]; milestones: MilestoneCondition[] };

/**
 * Makes the deliverables a contract's schedule says are due: one per period and per category the
 * contract buys (the categories of its targets; a psychological subtype's target buys the
 * psychological service). Run when the schedule is set on an active contract, when a contract
 * is activated and when an amendment changes its targets. Deliverables nothing was saved into
 * yet follow the schedule (moved or removed); anything saved or handed in stays as it is.
 */
export async function createDueDeliverables(contract: Contract, transaction: Transaction): Promise<{ created: number; removed: number }> {
  if (contract.status !== 'active') return { created: 0, removed: 0 };
  const schedule = await ReportingSchedule.findOne({ where: { contractId: contract.id }, transaction });
  if (!schedule) return { created: 0, removed: 0 };
  const targets = await ContractTarget.findAll({ where: { contractId: contract.id }, attributes: ['categoryCode'], transaction });
  const categories = [...new Set(targets.map((t) => deliverableCategoryOf(t.categoryCode)).filter((c) => c !== undefined))];
  const periods = reportingPeriods(schedule.frequency, contract, { graceDays: schedule.graceDays, dates: schedule.dates });
  const wanted = new Map<string, { categoryCode: string; periodStart: string; periodEnd: string; dueOn: string }>(
    categories.flatMap((c) => periods.map((p) => [`${c}|${p.periodEnd}`, { categoryCode: c as string, ...p }] as const)),
  );
  const existing = await Deliverable.findAll({ where: { contractId: contract.id }, transaction });
  let removed = 0;
  for (const d of existing) {
    const want = wanted.get(`${d.categoryCode}|${d.periodEnd}`);
    wanted.delete(`${d.categoryCode}|${d.periodEnd}`);
    const untouched = d.currentVersion === 0 && d.submissionCount === 0;
    if (!want && untouched) {
      await d.destroy({ transaction });
      removed += 1;
    } else if (want && d.submissionCount === 0 && (want.dueOn !== d.dueOn || want.periodStart !== d.periodStart)) {
      await d.update({ dueOn: want.dueOn, periodStart: want.periodStart }, { transaction });
    }
  }
  const rows = [...wanted.values()].map((w) => ({ ...w, contractId: contract.id, organisationId: contract.organisationId, districtId: contract.districtId }));
  if (rows.length) await Deliverable.bulkCreate(rows, { transaction });
  return { created: rows.length, removed };
}

/**
 * An amendment replaces the open instalments by a new schedule, written in the order the amend
 * form showed the old ones: the k-th new instalment keeps the milestone condition of the k-th
 * replaced one (a new one beyond them starts `manual`). Then any tied milestone already met moves
 * its instalment to `due` again, inside the amendment's transaction.
 */
export async function carryMilestoneConditions(
  contract: Contract,
  replaced: readonly Instalment[],
  versionFrom: number,
  by: By,
  transaction: Transaction,
): Promise<void> {
  if (!replaced.some((i) => i.milestoneKind !== 'manual')) return;
  const fresh = await Instalment.findAll({ where: { contractId: contract.id, versionFrom, status: 'scheduled' }, order: [['seq', 'ASC']], transaction });
  const ordered = [...replaced].sort((a, b) => a.seq - b.seq);
  for (const [k, instalment] of fresh.entries()) {
    const old = ordered[k];
    if (!old || old.milestoneKind === 'manual') continue;
    await instalment.update(
      { milestoneKind: old.milestoneKind, milestoneThrough: old.milestoneThrough ?? null, milestoneShareBp: old.milestoneShareBp ?? null },
      { transaction },
    );
  }
  await markMilestonesMet(contract, by, transaction);
}

function scheduleErrors(form: ScheduleForm, contract: Contract): FieldErrors {
  const errors: FieldErrors = {};
  if (!Number.isInteger(form.graceDays) || form.graceDays < 0 || form.graceDays > MAX_GRACE_DAYS) errors.graceDays = 'deliverables.validation.graceDays';
  if (form.frequency === 'dates') {
    if (form.dates.length === 0) errors.dates = 'deliverables.validation.datesRequired';
    else if (form.dates.some((d) => d < contract.termStart || d > contract.termEnd)) errors.dates = 'deliverables.validation.datesInTerm';
  }
  for (const m of form.milestones) {
    if (m.kind === 'deliverables' && (!m.through || m.through < contract.termStart || m.through > contract.termEnd))
      errors[`through_${m.instalmentId}`] = 'deliverables.validation.throughInTerm';
    if (m.kind === 'targets' && (!m.shareBp || m.shareBp <= 0 || m.shareBp > 10_000)) errors[`share_${m.instalmentId}`] = 'deliverables.validation.share';
  }
  return errors;
}

/**
 * An officer sets a contract's reporting schedule and ties its open instalments' milestones to
 * deliverables (manual, all due through a date accepted, or every target reached to a share), in
 * one transaction: the contract locked first, 404 outside the officer's district, 409 once the
 * contract is completed or terminated, 422 beside the fields. On an active contract the due
 * deliverables follow at once, and milestones already met move their instalments to `due`.
 */
export async function reportingScheduleSetter(contractId: number, form: ScheduleForm, by: By): Promise<ReportingSchedule> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'schedule', DELIVERABLE_RESOURCE, c));
    if (!['draft', 'active'].includes(contract.status)) throw new ConflictError('deliverables.errors.contractEnded', { status: contract.status });
    const errors = scheduleErrors(form, contract);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const open = await Instalment.findAll({ where: { contractId, status: { [Op.in]: ['scheduled'] } }, transaction });
    const byId = new Map(open.map((i) => [i.id, i]));
    const changed: { seq: number; kind: MilestoneKind }[] = [];
    for (const m of form.milestones) {
      const instalment = byId.get(m.instalmentId);
      if (!instalment) continue;
      const next = {
        milestoneKind: m.kind,
        milestoneThrough: m.kind === 'deliverables' ? m.through : null,
        milestoneShareBp: m.kind === 'targets' ? m.shareBp : null,
      };
      if (
        next.milestoneKind !== instalment.milestoneKind ||
        next.milestoneThrough !== (instalment.milestoneThrough ?? null) ||
        next.milestoneShareBp !== (instalment.milestoneShareBp ?? null)
      ) {
        await instalment.update(next, { transaction });
        changed.push({ seq: instalment.seq, kind: m.kind });
      }
    }
    const [schedule] = await ReportingSchedule.findOrBuild({
      where: { contractId },
      defaults: { contractId, frequency: form.frequency, graceDays: form.graceDays, dates: [], updatedBy: by.actor.id },
      transaction,
    });
    schedule.set({
      frequency: form.frequency,
      graceDays: form.graceDays,
      dates: form.frequency === 'dates' ? [...new Set(form.dates)].sort() : [],
      updatedBy: by.actor.id,
    });
    await schedule.save({ transaction });
    const made = await createDueDeliverables(contract, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.schedule',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { frequency: schedule.frequency, graceDays: schedule.graceDays, dates: schedule.dates, milestones: changed, ...made },
      context: by.context,
    });
    if (contract.status === 'active') await markMilestonesMet(contract, by, transaction);
    return schedule;
  });
}
