import { QueryTypes } from 'sequelize';
import { FUND_SOURCES, type FundSource, LOTTERY_FUND } from '../../models/BudgetLine.js';
import { CONTRACT_STATUSES, type ContractStatus } from '../../models/Contract.js';
import { GRADES, type Grade } from '../../models/Evaluation.js';
import { PROCUREMENT_METHODS, type ProcurementMethod } from '../../models/Project.js';
import { getSequelize } from '../db.js';
import type { OverviewPeriod } from './overview-periods.js';
import { earliestValidTrainingDay, latestLapsingTrainingDay } from './training-status.js';

/**
 * The raw figures of the city overview (#17), per district, each family on its declared basis:
 * - money and the lottery share: the lines of the period's year, as at the period's end (the
 *   ledger's movements made before it);
 * - contracts (by stage now and by procurement method) and evaluation grades: the period's year;
 * - deliverables: those due within the period (on time, accepted at first submission, overdue today);
 * - claims: paid within the period (the payment's paid day);
 * - organisations rectifying or ineligible, child directors registered, trained, lapsing and the
 *   full-time coverage of sub-districts: today.
 * Every family is one GROUP BY query over all districts with a column per period asked for, so
 * the number of queries never depends on the data or on the number of districts.
 */

export type Money = { budgetFen: number; allocatedFen: number; committedFen: number; paidFen: number };
export type MoneyBySource = Record<FundSource | 'all', Money>;
export type PeriodFigures = {
  money: MoneyBySource;
  lottery: { allocatedFen: number; totalFen: number; targetWeighted: number };
  contracts: { total: number; byStatus: Record<ContractStatus, number>; byMethod: Record<ProcurementMethod, number> };
  deliverables: { due: number; onTime: number; acceptedFirst: number; overdue: number };
  grades: Record<Grade, number> & { total: number };
  claims: { paidFen: number; claims: number; workers: number };
};
export type CurrentFigures = {
  organisations: { rectifying: number; ineligible: number };
  directors: { registered: number; trained: number; lapsing: number; subDistricts: number; covered: number };
};

type Row = Record<string, string | number | null>;
const num = (v: unknown): number => Number(v ?? 0);
const zeroMoney = (): Money => ({ budgetFen: 0, allocatedFen: 0, committedFen: 0, paidFen: 0 });
const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** Empty figures of a period, to be added to. */
export function emptyPeriodFigures(): PeriodFigures {
  return {
    money: Object.fromEntries([...FUND_SOURCES, 'all'].map((f) => [f, zeroMoney()])) as MoneyBySource,
    lottery: { allocatedFen: 0, totalFen: 0, targetWeighted: 0 },
    contracts: { total: 0, byStatus: zeroes(CONTRACT_STATUSES), byMethod: zeroes(PROCUREMENT_METHODS) },
    deliverables: { due: 0, onTime: 0, acceptedFirst: 0, overdue: 0 },
    grades: { ...zeroes(GRADES), total: 0 },
    claims: { paidFen: 0, claims: 0, workers: 0 },
  };
}

/** Empty current figures, to be added to. */
export function emptyCurrentFigures(): CurrentFigures {
  return { organisations: { rectifying: 0, ineligible: 0 }, directors: { registered: 0, trained: 0, lapsing: 0, subDistricts: 0, covered: 0 } };
}

/** Splits `total` over `weights` in proportion, in whole fen, the remainders to the largest fractions (sums exactly). */
export function apportionFen(total: number, weights: Map<string, number>): Map<string, number> {
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, number>();
  if (sum <= 0) return out;
  const parts = [...weights].map(([k, w]) => ({ k, fen: Number((BigInt(total) * BigInt(w)) / BigInt(sum)), rest: (BigInt(total) * BigInt(w)) % BigInt(sum) }));
  let left = total - parts.reduce((a, p) => a + p.fen, 0);
  for (const p of [...parts].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : 0))) {
    if (left <= 0) break;
    p.fen += 1;
    left -= 1;
  }
  for (const p of parts) out.set(p.k, p.fen);
  return out;
}

/** Per period (in the order given), per district id: the figures of that period. */
export type OverviewFigures = { periods: Map<number, PeriodFigures>[]; current: Map<number, CurrentFigures> };

function slot<T>(map: Map<number, T>, districtId: number, make: () => T): T {
  let v = map.get(districtId);
  if (!v) {
    v = make();
    map.set(districtId, v);
  }
  return v;
}

/**
 * The overview's figures for `periods`, per district (every district with something to count),
 * as of `today` for what is counted today. A constant number of queries (eleven).
 */
export async function overviewFigures(periods: OverviewPeriod[], today: string): Promise<OverviewFigures> {
  const s = getSequelize();
  const years = [...new Set(periods.map((p) => p.year))];
  const r: Record<string, unknown> = { years };
  periods.forEach((p, i) => {
    r[`y${i}`] = p.year;
    r[`e${i}`] = p.endsAt;
    r[`f${i}`] = p.from;
    r[`t${i}`] = p.to;
  });
  const cols = (make: (i: number) => string) => periods.map((_, i) => make(i)).join(', ');
  const q = (sql: string, replacements: Record<string, unknown> = r) => s.query<Row>(sql, { type: QueryTypes.SELECT, replacements });
  const inPeriod = (i: number, column: string) => `${column} BETWEEN :f${i} AND :t${i}`;

  const [budget, flows, commits, paid, contracts, deliverables, grades, claims, rectifying, ineligible, directors, subDistricts] = await Promise.all([
    q(`SELECT district_id AS d, fund_source AS f, year AS y, SUM(amount_fen) AS amount,
         SUM(COALESCE(lottery_total_fen, 0)) AS lt, SUM(COALESCE(lottery_total_fen, 0) * COALESCE(lottery_target_bp, 0)) AS ltw
       FROM budget_lines WHERE year IN (:years) GROUP BY district_id, fund_source, year`),
    q(`SELECT b.district_id AS d, b.fund_source AS f, ${cols(
      (i) => `SUM(CASE WHEN b.year = :y${i} AND e.created_at < :e${i} AND e.movement IN ('allocate', 'release') THEN e.amount_fen ELSE 0 END) AS a${i},
              SUM(CASE WHEN b.year = :y${i} AND e.created_at < :e${i} AND e.movement IN ('commit', 'uncommit') THEN -e.amount_fen ELSE 0 END) AS c${i}`,
    )}
       FROM ledger_entries e JOIN allocations a ON a.id = e.account_id JOIN budget_lines b ON b.id = a.budget_line_id
       WHERE e.account_type = 'allocation' AND b.year IN (:years) GROUP BY b.district_id, b.fund_source`),
    q(`SELECT k.account_id AS k, b.district_id AS d, b.fund_source AS f, b.year AS y, ${cols((i) => `SUM(CASE WHEN e.created_at < :e${i} THEN -e.amount_fen ELSE 0 END) AS c${i}`)}
       FROM ledger_entries e JOIN ledger_entries k ON k.txn = e.txn AND k.account_type = 'contract_committed'
       JOIN allocations a ON a.id = e.account_id JOIN budget_lines b ON b.id = a.budget_line_id
       WHERE e.account_type = 'allocation' AND e.movement IN ('commit', 'uncommit') AND b.year IN (:years)
       GROUP BY k.account_id, b.district_id, b.fund_source, b.year`),
    q(`SELECT account_id AS k, ${cols((i) => `SUM(CASE WHEN created_at < :e${i} THEN amount_fen ELSE 0 END) AS p${i}`)}
       FROM ledger_entries WHERE account_type = 'paid' GROUP BY account_id`),
    q(`SELECT c.district_id AS d, c.status AS s, p.procurement_method AS m, ${cols((i) => `SUM(CASE WHEN c.year = :y${i} THEN 1 ELSE 0 END) AS n${i}`)}
       FROM contracts c JOIN projects p ON p.id = c.project_id WHERE c.year IN (:years) GROUP BY c.district_id, c.status, p.procurement_method`),
    q(
      `SELECT district_id AS d, ${cols(
        (i) => `SUM(CASE WHEN ${inPeriod(i, 'due_on')} THEN 1 ELSE 0 END) AS due${i},
                SUM(CASE WHEN ${inPeriod(i, 'due_on')} AND submitted_late_days = 0 THEN 1 ELSE 0 END) AS ontime${i},
                SUM(CASE WHEN ${inPeriod(i, 'due_on')} AND status = 'accepted' AND submission_count = 1 THEN 1 ELSE 0 END) AS first${i},
                SUM(CASE WHEN ${inPeriod(i, 'due_on')} AND status IN ('draft', 'returned') AND due_on < :today THEN 1 ELSE 0 END) AS overdue${i}`,
      )}
       FROM deliverables GROUP BY district_id`,
      { ...r, today },
    ),
    q(`SELECT district_id AS d, grade AS g, ${cols((i) => `SUM(CASE WHEN year = :y${i} THEN 1 ELSE 0 END) AS n${i}`)}
       FROM evaluations WHERE status = 'confirmed' AND grade IS NOT NULL AND year IN (:years) GROUP BY district_id, grade`),
    q(`SELECT cl.district_id AS d, ${cols(
      (i) => `SUM(CASE WHEN ${inPeriod(i, 'p.paid_on')} THEN cl.total_fen ELSE 0 END) AS fen${i},
              SUM(CASE WHEN ${inPeriod(i, 'p.paid_on')} THEN 1 ELSE 0 END) AS n${i},
              COUNT(DISTINCT CASE WHEN ${inPeriod(i, 'p.paid_on')} THEN cl.child_worker_id END) AS w${i}`,
    )}
       FROM claims cl JOIN payments p ON p.id = cl.payment_id JOIN child_workers w ON w.id = cl.child_worker_id
       WHERE cl.status = 'paid' AND w.kind = 'director' GROUP BY cl.district_id`),
    q(`SELECT district_id AS d, COUNT(DISTINCT organisation_id) AS n FROM evaluations
       WHERE status = 'confirmed' AND consequence = 'rectification' AND rectification_closed_at IS NULL GROUP BY district_id`),
    q(`SELECT district_id AS d, COUNT(*) AS n FROM organisations WHERE status = 'ineligible' GROUP BY district_id`),
    q(
      `SELECT district_id AS d, COUNT(*) AS registered,
         SUM(CASE WHEN training_passed_on IS NOT NULL AND last_training_passed_on >= :earliest THEN 1 ELSE 0 END) AS trained,
         SUM(CASE WHEN training_passed_on IS NOT NULL AND last_training_passed_on >= :earliest AND last_training_passed_on <= :lapsing THEN 1 ELSE 0 END) AS lapsing,
         COUNT(DISTINCT CASE WHEN employment = 'full_time' AND training_passed_on IS NOT NULL AND last_training_passed_on >= :earliest THEN sub_district_id END) AS covered
       FROM child_workers WHERE kind = 'director' AND status = 'active' GROUP BY district_id`,
      { earliest: earliestValidTrainingDay(today), lapsing: latestLapsingTrainingDay(today) },
    ),
    q('SELECT district_id AS d, COUNT(*) AS n FROM sub_districts GROUP BY district_id', {}),
  ]);

  const out: Map<number, PeriodFigures>[] = periods.map(() => new Map());
  const at = (i: number, d: unknown) => slot(out[i], num(d), emptyPeriodFigures);

  periods.forEach((p, i) => {
    for (const b of budget) {
      if (num(b.y) !== p.year) continue;
      const f = at(i, b.d);
      const amount = num(b.amount);
      f.money[b.f as FundSource].budgetFen += amount;
      f.money.all.budgetFen += amount;
      if (b.f === LOTTERY_FUND) {
        f.lottery.totalFen += num(b.lt);
        f.lottery.targetWeighted += num(b.ltw);
      }
    }
    for (const row of flows) {
      const f = at(i, row.d);
      for (const key of [row.f as FundSource, 'all'] as const) {
        f.money[key].allocatedFen += num(row[`a${i}`]);
        f.money[key].committedFen += num(row[`c${i}`]);
      }
      if (row.f === LOTTERY_FUND) f.lottery.allocatedFen += num(row[`a${i}`]);
    }
    // Paid money belongs to the lines that committed the contract's money, in proportion.
    const weights = new Map<number, Map<string, number>>();
    for (const c of commits) {
      if (num(c.y) !== p.year || num(c[`c${i}`]) <= 0) continue;
      const w = weights.get(num(c.k)) ?? new Map<string, number>();
      w.set(`${num(c.d)}|${c.f}`, num(c[`c${i}`]));
      weights.set(num(c.k), w);
    }
    for (const row of paid) {
      const w = weights.get(num(row.k));
      if (!w) continue;
      for (const [key, fen] of apportionFen(num(row[`p${i}`]), w)) {
        const [d, source] = key.split('|');
        const f = at(i, d);
        f.money[source as FundSource].paidFen += fen;
        f.money.all.paidFen += fen;
      }
    }
    for (const c of contracts) {
      const n = num(c[`n${i}`]);
      if (!n) continue;
      const f = at(i, c.d);
      f.contracts.total += n;
      f.contracts.byStatus[c.s as ContractStatus] += n;
      f.contracts.byMethod[c.m as ProcurementMethod] += n;
    }
    for (const d of deliverables) {
      if (!num(d[`due${i}`])) continue;
      const f = at(i, d.d);
      f.deliverables.due += num(d[`due${i}`]);
      f.deliverables.onTime += num(d[`ontime${i}`]);
      f.deliverables.acceptedFirst += num(d[`first${i}`]);
      f.deliverables.overdue += num(d[`overdue${i}`]);
    }
    for (const g of grades) {
      const n = num(g[`n${i}`]);
      if (!n) continue;
      const f = at(i, g.d);
      f.grades[g.g as Grade] += n;
      f.grades.total += n;
    }
    for (const c of claims) {
      if (!num(c[`n${i}`])) continue;
      const f = at(i, c.d);
      f.claims.paidFen += num(c[`fen${i}`]);
      f.claims.claims += num(c[`n${i}`]);
      f.claims.workers += num(c[`w${i}`]);
    }
  });

  const current = new Map<number, CurrentFigures>();
  for (const row of rectifying) slot(current, num(row.d), emptyCurrentFigures).organisations.rectifying = num(row.n);
  for (const row of ineligible) slot(current, num(row.d), emptyCurrentFigures).organisations.ineligible = num(row.n);
  for (const row of directors) {
    Object.assign(slot(current, num(row.d), emptyCurrentFigures).directors, {
      registered: num(row.registered),
      trained: num(row.trained),
      lapsing: num(row.lapsing),
      covered: num(row.covered),
    });
  }
  for (const row of subDistricts) slot(current, num(row.d), emptyCurrentFigures).directors.subDistricts = num(row.n);
  return { periods: out, current };
}
