import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine, FUND_SOURCES, LOTTERY_FUND } from '../../models/BudgetLine.js';
import { Payment } from '../../models/Payment.js';
import { getSequelize } from '../db.js';
import { type Actor, can, canMap, districtScope } from '../policies/index.js';
import { ALLOCATION_RESOURCE, allocationQueueWhere, budgetLineScope } from '../policies/finance.js';
import { thisYear } from '../clock.js';
import { approvalQueueWhere, PAYMENT_RESOURCE } from '../policies/payment.js';
import { balances } from '../services/ledger.js';
import { formatFen } from '../services/money.js';
import { formatShare } from './budget.js';
import type { Lang } from '../i18n/index.js';
import { type CardPlan, countCard } from './dashboard-card.js';
import { cachedValue } from '../services/figure-cache.js';
import { figureKey, readFigures } from '../services/figures.js';

type Row = Record<string, string | number | null>;

/** The SQL condition on budget lines `b` an actor sees: all from the city level, else their district's and the city's. */
function lineScopeSql(actor: Actor, year?: number): { sql: string; replacements: Record<string, number> } {
  const byYear: { sql: string; replacements: Record<string, number> } = year
    ? { sql: ' AND b.year = :year', replacements: { year } }
    : { sql: '', replacements: {} };
  if (actor.role === 'admin' || actor.cityLevel) return { sql: `1 = 1${byYear.sql}`, replacements: byYear.replacements };
  return {
    sql: `(b.district_id = :districtId OR b.district_id IN (SELECT id FROM districts WHERE kind = 'city'))${byYear.sql}`,
    replacements: { districtId: actor.districtId, ...byYear.replacements },
  };
}

/** Splits `total` over `weights` in proportion, in whole fen, the remainders to the largest fractions (sums exactly). */
export function apportion(total: number, weights: Map<string, number>): Map<string, number> {
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, number>();
  if (sum <= 0) return out;
  const parts = [...weights].map(([k, w]) => {
    const exact = (BigInt(total) * BigInt(w)) / BigInt(sum);
    const rest = (BigInt(total) * BigInt(w)) % BigInt(sum);
    return { k, fen: Number(exact), rest };
  });
  let left = total - parts.reduce((a, p) => a + p.fen, 0);
  for (const p of [...parts].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : 0))) {
    if (left <= 0) break;
    p.fen += 1;
    left -= 1;
  }
  for (const p of parts) out.set(p.k, p.fen);
  return out;
}

/**
 * Per fund source, from the ledger: allocated (line → allocation, net of releases), committed
 * (allocation → contract, net of uncommits) and paid (contract → paid, shared over the fund
 * sources that committed the contract's money, in proportion).
 */
export function fundSourceFigures(actor: Actor, year?: number): Promise<ReadonlyMap<string, Readonly<FundSourceFigure>>> {
  const scope = lineScopeSql(actor, year);
  // Sums over every ledger entry of the scope (#15: seconds at city scale), kept while the ledger,
  // the allocations and the lines do not change (services/figure-cache.ts).
  return cachedValue(`fundSourceFigures|${scope.sql}|${JSON.stringify(scope.replacements)}`, () => computeFundSourceFigures(scope));
}

type FundSourceFigure = { allocatedFen: number; committedFen: number; paidFen: number };

async function computeFundSourceFigures(scope: { sql: string; replacements: Record<string, number> }): Promise<Map<string, FundSourceFigure>> {
  const s = getSequelize();
  const [flows, commits] = await Promise.all([
    s.query<Row>(
      `SELECT b.fund_source AS fund_source,
        COALESCE(SUM(CASE WHEN e.movement IN ('allocate', 'release') THEN e.amount_fen ELSE 0 END), 0) AS allocated,
        COALESCE(SUM(CASE WHEN e.movement IN ('commit', 'uncommit') THEN -e.amount_fen ELSE 0 END), 0) AS committed
       FROM ledger_entries e JOIN allocations a ON a.id = e.account_id JOIN budget_lines b ON b.id = a.budget_line_id
       WHERE e.account_type = 'allocation' AND ${scope.sql} GROUP BY b.fund_source`,
      { type: QueryTypes.SELECT, replacements: scope.replacements },
    ),
    s.query<Row>(
      `SELECT c.account_id AS contract_id, b.fund_source AS fund_source, SUM(-e.amount_fen) AS committed
       FROM ledger_entries e JOIN ledger_entries c ON c.txn = e.txn AND c.account_type = 'contract_committed'
       JOIN allocations a ON a.id = e.account_id JOIN budget_lines b ON b.id = a.budget_line_id
       WHERE e.account_type = 'allocation' AND e.movement IN ('commit', 'uncommit') AND ${scope.sql}
       GROUP BY c.account_id, b.fund_source`,
      { type: QueryTypes.SELECT, replacements: scope.replacements },
    ),
  ]);
  const out = new Map(FUND_SOURCES.map((f) => [f as string, { allocatedFen: 0, committedFen: 0, paidFen: 0 }]));
  for (const r of flows) {
    const f = out.get(String(r.fund_source));
    if (f) Object.assign(f, { allocatedFen: Number(r.allocated), committedFen: Number(r.committed) });
  }
  const byContract = new Map<number, Map<string, number>>();
  for (const r of commits) {
    const m = byContract.get(Number(r.contract_id)) ?? new Map<string, number>();
    m.set(String(r.fund_source), Number(r.committed));
    byContract.set(Number(r.contract_id), m);
  }
  const paid = await balances('paid', [...byContract.keys()]);
  for (const [contractId, weights] of byContract) {
    for (const [source, fen] of apportion(paid.get(contractId) ?? 0, weights)) {
      const f = out.get(source);
      if (f) f.paidFen += fen;
    }
  }
  return out;
}

/** The lottery fund's share spent on child care by year over the lines in scope, against the target (weighted by each line's total). */
async function lotteryByYear(actor: Actor) {
  const scope = budgetLineScope(actor);
  const key = figureKey({ model: BudgetLine, where: scope });
  // Kept while the lines and the ledger do not change (services/figure-cache.ts).
  const years = key ? await cachedValue(`lotteryByYear|${key}`, () => lotteryYears(scope)) : await lotteryYears(scope);
  return [...years].map(([year, y]) => {
    const shareBp = y.total > 0 ? Math.round((y.allocated * 10_000) / y.total) : null;
    const targetBp = y.total > 0 ? Math.round(y.targetWeighted / y.total) : null;
    return {
      year,
      allocated: formatFen(y.allocated),
      total: formatFen(y.total),
      shareBp,
      targetBp,
      share: formatShare(shareBp),
      target: formatShare(targetBp),
      meetsTarget: shareBp !== null && targetBp !== null && shareBp >= targetBp,
    };
  });
}

/** Per budget year of the lines in `scope`: the lottery money allocated, the lines' lottery totals, and their targets weighted by them. */
async function lotteryYears(scope: WhereOptions): Promise<Map<number, { allocated: number; total: number; targetWeighted: number }>> {
  const lines = await BudgetLine.findAll({
    where: { [Op.and]: [scope, { fundSource: LOTTERY_FUND }] },
    order: [
      ['year', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const ids = lines.map((l) => l.id);
  const [funding, available] = await Promise.all([balances('funding', ids), balances('line_available', ids)]);
  const years = new Map<number, { allocated: number; total: number; targetWeighted: number }>();
  for (const l of lines) {
    const y = years.get(l.year) ?? { allocated: 0, total: 0, targetWeighted: 0 };
    y.allocated += -(funding.get(l.id) ?? 0) - (available.get(l.id) ?? 0);
    y.total += l.lotteryTotalFen ?? 0;
    y.targetWeighted += (l.lotteryTotalFen ?? 0) * (l.lotteryTargetBp ?? 0);
    years.set(l.year, y);
  }
  return years;
}

/** The budget years with lines in the actor's scope, latest first. */
async function budgetYears(actor: Actor): Promise<number[]> {
  const rows = await BudgetLine.findAll({ attributes: ['year'], where: budgetLineScope(actor), group: ['year'], order: [['year', 'DESC']], raw: true });
  return rows.map((r) => Number(r.year));
}

/**
 * The year the dashboard opens on: this budget year (server/clock.ts) when it has lines, else the
 * latest year before it that has, else the latest there is, else this year.
 */
export function defaultBudgetYear(years: readonly number[], current: number): number {
  if (years.includes(current)) return current;
  return years.find((y) => y < current) ?? years[0] ?? current;
}

/** The submitted allocations waiting for finance's decision (or, for other readers, submitted in their scope). */
function allocationsAwaitingWhere(actor: Actor): WhereOptions {
  return actor.role === 'finance' ? allocationQueueWhere(actor) : { [Op.and]: [districtScope(actor), { status: 'submitted' }] };
}

/** What finance must decide: the submitted allocations waiting for them, how many and their total in fen. */
export async function allocationsAwaiting(actor: Actor): Promise<{ count: number; totalFen: number }> {
  const where = allocationsAwaitingWhere(actor);
  const [count, total] = await Promise.all([Allocation.count({ where }), Allocation.sum('amountFen', { where })]);
  return { count, totalFen: Number(total ?? 0) };
}

/**
 * The finance dashboard: money per fund source of one budget year (or all), the approval queues,
 * the lottery share by year; chart data alongside the tables. With no year asked for it shows the
 * current budget year with data (defaultBudgetYear); an empty year choice means all years.
 */
export async function financeDashboardPage(actor: Actor, filter: { year?: number | null }, lang: Lang) {
  const { t } = lang;
  const years = await budgetYears(actor);
  const year = filter.year === undefined ? defaultBudgetYear(years, thisYear()) : filter.year;
  const awaiting = allocationsAwaitingWhere(actor);
  const [figures, lottery, [paymentsWaiting, allocationsCount, allocationsTotal]] = await Promise.all([
    fundSourceFigures(actor, year ?? undefined),
    lotteryByYear(actor),
    // The queues' three figures in one statement (#15).
    readFigures([
      { model: Payment, where: actor.role === 'finance' ? approvalQueueWhere(actor) : { [Op.and]: [districtScope(actor), { status: 'requested' }] } },
      { model: Allocation, where: awaiting },
      { model: Allocation, where: awaiting, sum: 'amountFen' },
    ]),
  ]);
  const allocationsWaiting = { count: allocationsCount, totalFen: allocationsTotal };
  const sources = [...figures].map(([source, f]) => ({
    source,
    label: t(`finance.fundSource.${source}`),
    allocated: formatFen(f.allocatedFen),
    committed: formatFen(f.committedFen),
    paid: formatFen(f.paidFen),
    ...f,
  }));
  const yuan = (fen: number) => fen / 100;
  const chart = {
    fundSources: {
      labels: sources.map((s) => s.label),
      datasets: [
        { label: t('payments.dashboard.allocated'), data: sources.map((s) => yuan(s.allocatedFen)) },
        { label: t('payments.dashboard.committed'), data: sources.map((s) => yuan(s.committedFen)) },
        { label: t('payments.dashboard.paid'), data: sources.map((s) => yuan(s.paidFen)) },
      ],
    },
    // A line needs points to join: with one or two years the share is drawn as bars.
    lottery: {
      type: lottery.length > 2 ? 'line' : 'bar',
      labels: lottery.map((y) => String(y.year)),
      datasets: [
        { label: t('payments.dashboard.share'), data: lottery.map((y) => (y.shareBp === null ? null : y.shareBp / 100)) },
        { label: t('payments.dashboard.target'), data: lottery.map((y) => (y.targetBp === null ? null : y.targetBp / 100)) },
      ],
    },
  };
  const shown = year !== null && !years.includes(year) ? [year, ...years].sort((a, b) => b - a) : years;
  return {
    year: year === null ? '' : String(year),
    yearLabel: year === null ? t('payments.dashboard.allYears') : t('payments.dashboard.yearLabel', { year }),
    yearOptions: [{ value: '', label: t('payments.dashboard.allYears') }, ...shown.map((y) => ({ value: String(y), label: String(y) }))],
    sources,
    // Bars of nothing say nothing: the chart is drawn once some money has moved.
    sourcesChart: sources.some((s) => s.allocatedFen || s.committedFen || s.paidFen),
    lottery,
    queues: {
      payments: paymentsWaiting,
      allocations: allocationsWaiting.count,
      allocationsTotal: formatFen(allocationsWaiting.totalFen),
    },
    chartJson: JSON.stringify(chart),
    can: { ...canMap(actor, PAYMENT_RESOURCE, ['queue']), ...canMap(actor, ALLOCATION_RESOURCE, ['queue']) },
  };
}

/**
 * The start page's cards for finance: payments waiting for them (to the finance dashboard) and
 * allocations waiting for their decision, with their total (to the allocation queue).
 */
export function financeDashboardCards(actor: Actor): CardPlan[] {
  const cards: CardPlan[] = [];
  if (can(actor, 'queue', PAYMENT_RESOURCE)) {
    cards.push(countCard('payments.dashboard.paymentsWaiting', { model: Payment, where: approvalQueueWhere(actor) }, '/finance'));
  }
  if (can(actor, 'queue', ALLOCATION_RESOURCE)) {
    const where = allocationsAwaitingWhere(actor);
    cards.push({
      figures: [
        { model: Allocation, where },
        { model: Allocation, where, sum: 'amountFen' },
      ],
      card: ([count, totalFen]) => ({
        labelKey: 'payments.dashboard.allocationsWaiting',
        value: count,
        href: '/allocations/queue',
        detail: { key: 'payments.dashboard.allocationsWaitingTotal', vars: { total: formatFen(totalFen) } },
      }),
    });
  }
  return cards;
}
