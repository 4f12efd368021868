import { Op, type Transaction } from 'sequelize';
import { ContractTarget } from '../../models/ContractTarget.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { beijingDay } from '../clock.js';
import { Contract } from '../../models/Contract.js';
import type { MetricValues } from './deliverable-metrics.js';
import { CategorySets } from './service-categories.js';
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
 * `through`, only those of reporting periods ending by that day (an evaluation's period). A metric
 * the version averages (an average answer time) is the mean over the deliverables that report it;
 * every other is summed.
 */
export async function acceptedTotals(contractId: number, transaction?: Transaction, through?: string): Promise<Map<string, MetricValues>> {
  return (await acceptedTotalsOf([contractId], new CategorySets(transaction), transaction, through)).get(contractId) ?? new Map();
}

/** acceptedTotals for several contracts in two queries (and each version year's categories once), by contract. */
async function acceptedTotalsOf(
  contractIds: readonly number[],
  sets: CategorySets,
  transaction?: Transaction,
  through?: string,
): Promise<Map<number, Map<string, MetricValues>>> {
  const byContract = new Map<number, Map<string, MetricValues>>();
  if (contractIds.length === 0) return byContract;
  const contractId = contractIds.length === 1 ? contractIds[0] : { [Op.in]: [...contractIds] };
  const [versions, contracts] = await Promise.all([
    DeliverableVersion.findAll({
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
    }),
    Contract.findAll({ where: { id: [...contractIds] }, attributes: ['id', 'year', 'categoryYear'], transaction }),
  ]);
  const yearOf = new Map(contracts.map((c) => [c.id, c]));
  const counts = new Map<string, number>();
  for (const v of versions) {
    const { categoryCode: category, contractId: of } = (v as DeliverableVersion & { deliverable: Deliverable }).deliverable;
    const contract = yearOf.get(of);
    if (!contract) continue;
    const set = await sets.forContract(contract);
    if (!set.isDeliverableCategory(category)) continue;
    const totals = byContract.get(of) ?? new Map<string, MetricValues>();
    byContract.set(of, totals);
    const sum = totals.get(category) ?? {};
    const averaged = new Set(
      set
        .metricsOf(category)
        .filter((d) => d.aggregation === 'average')
        .map((d) => d.key),
    );
    for (const [k, n] of Object.entries(set.withDerived(category, v.metrics))) {
      if (averaged.has(k)) {
        const seen = `${of}|${category}|${k}`;
        const c = counts.get(seen) ?? 0;
        sum[k] = Math.round((((sum[k] ?? 0) * c + n) / (c + 1)) * 100) / 100;
        counts.set(seen, c + 1);
      } else sum[k] = Math.round(((sum[k] ?? 0) + n) * 100) / 100;
    }
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

/** contractProgress for several contracts in a constant number of queries whatever their number (a list's rows), by contract. */
export async function progressOfContracts(contractIds: readonly number[], transaction?: Transaction, through?: string): Promise<Map<number, TargetProgress[]>> {
  const out = new Map<number, TargetProgress[]>(contractIds.map((id) => [id, []]));
  if (contractIds.length === 0) return out;
  const sets = new CategorySets(transaction);
  const [targets, totals, contracts] = await Promise.all([
    ContractTarget.findAll({ where: { contractId: [...contractIds] }, order: [['id', 'ASC']], transaction }),
    acceptedTotalsOf(contractIds, sets, transaction, through),
    Contract.findAll({ where: { id: [...contractIds] }, attributes: ['id', 'year', 'categoryYear'], transaction }),
  ]);
  const contractOf = new Map(contracts.map((c) => [c.id, c]));
  for (const t of targets) {
    const contract = contractOf.get(t.contractId);
    const at = contract ? (await sets.forContract(contract)).targetMetricOf(t.categoryCode, t.metric) : undefined;
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
