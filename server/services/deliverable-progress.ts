import { Op, type Transaction } from 'sequelize';
import { ContractTarget } from '../../models/ContractTarget.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { beijingDay } from '../clock.js';
import { type DeliverableCategory, isDeliverableCategory, type MetricValues, targetMetricOf, withDerived } from './deliverable-metrics.js';
import { daysBetween } from './calendar.js';

export type TargetProgress = {
  categoryCode: string;
  metric: string;
  target: number;
  /** The sum over the contract's accepted deliverables (0 when the metric is not in the catalogue). */
  accepted: number;
  /** accepted / target in basis points, at most 10 000. */
  shareBp: number;
  /** Whether the catalogue knows the metric (older free-text targets may not). */
  known: boolean;
};

/**
 * The accepted values of a contract's deliverables, per category, derived metrics included; with
 * `through`, only those of reporting periods ending by that day (an evaluation's period).
 */
export async function acceptedTotals(contractId: number, transaction?: Transaction, through?: string): Promise<Map<DeliverableCategory, MetricValues>> {
  return (await acceptedTotalsOf([contractId], transaction, through)).get(contractId) ?? new Map();
}

/** acceptedTotals for several contracts in one query, by contract. */
async function acceptedTotalsOf(
  contractIds: readonly number[],
  transaction?: Transaction,
  through?: string,
): Promise<Map<number, Map<DeliverableCategory, MetricValues>>> {
  const byContract = new Map<number, Map<DeliverableCategory, MetricValues>>();
  if (contractIds.length === 0) return byContract;
  const contractId = contractIds.length === 1 ? contractIds[0] : { [Op.in]: [...contractIds] };
  const versions = await DeliverableVersion.findAll({
    where: { status: 'accepted' },
    attributes: ['id', 'metrics'],
    include: [
      {
        model: Deliverable,
        as: 'deliverable',
        where: through ? { contractId, periodEnd: { [Op.lte]: through } } : { contractId },
        attributes: ['id', 'contractId', 'categoryCode'],
      },
    ],
    transaction,
  });
  for (const v of versions) {
    const { categoryCode: category, contractId: of } = (v as DeliverableVersion & { deliverable: Deliverable }).deliverable;
    if (!isDeliverableCategory(category)) continue;
    const totals = byContract.get(of) ?? new Map<DeliverableCategory, MetricValues>();
    byContract.set(of, totals);
    const sum = totals.get(category) ?? {};
    for (const [k, n] of Object.entries(withDerived(category, v.metrics))) sum[k] = Math.round(((sum[k] ?? 0) + n) * 100) / 100;
    totals.set(category, sum);
  }
  return byContract;
}

/**
 * A contract's progress against its targets (DOMAIN.md: computed from accepted deliverables):
 * per target the accepted sum of its metric and the share reached (`through`: see acceptedTotals).
 */
export async function contractProgress(contractId: number, transaction?: Transaction, through?: string): Promise<TargetProgress[]> {
  return (await progressOfContracts([contractId], transaction, through)).get(contractId) ?? [];
}

/** contractProgress for several contracts in two queries whatever their number (a list's rows), by contract. */
export async function progressOfContracts(contractIds: readonly number[], transaction?: Transaction, through?: string): Promise<Map<number, TargetProgress[]>> {
  const out = new Map<number, TargetProgress[]>(contractIds.map((id) => [id, []]));
  if (contractIds.length === 0) return out;
  const [targets, totals] = await Promise.all([
    ContractTarget.findAll({ where: { contractId: [...contractIds] }, order: [['id', 'ASC']], transaction }),
    acceptedTotalsOf(contractIds, transaction, through),
  ]);
  for (const t of targets) {
    const at = targetMetricOf(t.categoryCode, t.metric);
    const accepted = at ? (totals.get(t.contractId)?.get(at.category)?.[at.key] ?? 0) : 0;
    const shareBp = t.targetCount > 0 ? Math.min(10_000, Math.floor((accepted * 10_000) / t.targetCount)) : 0;
    out.get(t.contractId)?.push({ categoryCode: t.categoryCode, metric: t.metric, target: t.targetCount, accepted, shareBp, known: Boolean(at) });
  }
  return out;
}

/** Days late: handed in (or, not yet, today) after the due date; 0 when on time. */
export function lateDays(d: { dueOn: string; firstSubmittedAt: Date | null }, today: string): number {
  const handedIn = d.firstSubmittedAt ? beijingDay(d.firstSubmittedAt) : today;
  return Math.max(0, daysBetween(d.dueOn, handedIn));
}

/**
 * Whether every deliverable of a contract due on or before `through` is accepted (and there is
 * at least one): the `deliverables` milestone condition of an instalment.
 */
export async function acceptedThrough(contractId: number, through: string, transaction?: Transaction): Promise<boolean> {
  const due = await Deliverable.findAll({ where: { contractId, dueOn: { [Op.lte]: through } }, attributes: ['status'], transaction });
  return due.length > 0 && due.every((d) => d.status === 'accepted');
}

/**
 * Timeliness facts of a contract for its evaluation: deliverables due so far, accepted, accepted
 * at their first submission, handed in on time (first submission on or before the due date).
 */
export async function deliverableFacts(contractId: number, today: string, transaction?: Transaction) {
  const rows = await Deliverable.findAll({ where: { contractId }, transaction });
  const due = rows.filter((d) => d.dueOn <= today);
  const accepted = rows.filter((d) => d.status === 'accepted');
  return {
    total: rows.length,
    dueSoFar: due.length,
    accepted: accepted.length,
    acceptedFirstTime: accepted.filter((d) => d.submissionCount === 1).length,
    onTime: rows.filter((d) => d.firstSubmittedAt && lateDays(d, today) === 0).length,
    late: due.filter((d) => lateDays(d, today) > 0).length,
  };
}
