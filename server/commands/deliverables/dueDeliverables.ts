import type { Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { ContractTarget } from '../../../models/ContractTarget.js';
import { Deliverable } from '../../../models/Deliverable.js';
import { ReportingSchedule } from '../../../models/ReportingSchedule.js';
import { categorySetOfContract } from '../../services/service-categories.js';
import { reportingPeriods } from '../../services/reporting-schedule.js';

/**
 * Makes the deliverables a contract's schedule says are due: one per period and per category the
 * contract buys (the categories of its targets in the version it bought; a sub-category's target,
 * such as a psychological subtype's, buys its parent). Run when the schedule is set on an active contract, when a contract
 * is activated and when an amendment changes its targets. Deliverables nothing was saved into
 * yet follow the schedule (moved or removed); anything saved or handed in stays as it is.
 */
export async function createDueDeliverables(contract: Contract, transaction: Transaction): Promise<{ created: number; removed: number }> {
  if (contract.status !== 'active') return { created: 0, removed: 0 };
  const schedule = await ReportingSchedule.findOne({ where: { contractId: contract.id }, transaction });
  if (!schedule) return { created: 0, removed: 0 };
  const targets = await ContractTarget.findAll({ where: { contractId: contract.id }, attributes: ['categoryCode'], transaction });
  const set = await categorySetOfContract(contract, transaction);
  const categories = [...new Set(targets.map((t) => set.deliverableCategoryOf(t.categoryCode)).filter((c) => c !== undefined))];
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
