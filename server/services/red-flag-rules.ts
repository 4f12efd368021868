import { QueryTypes } from 'sequelize';
import { beijingDay } from '../clock.js';
import { dialectOf, getSequelize } from '../db.js';
import { addDays, daysBetween } from './calendar.js';

/**
 * The red-flag rules (#17, 常态化考核督查 of section 四(三)): each declared once with its threshold,
 * the unit the threshold counts in, and its basis (`overview.flags.rules.<key>.basis` in the
 * locales says it to people). A rule is a question asked of the records as they stand; the nightly
 * round (commands/oversight/redFlagRound.ts) stores what it finds. Evidence holds record ids,
 * dates, amounts in fen and names of organisations and contracts; never a personal number.
 */

/** One record of a flag's evidence: what it is, where it is, and the facts found (`…Fen` in fen). */
export type EvidenceItem = { kind: string; href: string; values: Record<string, string | number | null> };
/** What a rule found about one subject: the figure measured against the threshold and the records behind it. */
export type Evidence = { figure: number; items: EvidenceItem[] };
export type RedFlagFinding = {
  fingerprint: string;
  districtId: number;
  organisationId: number | null;
  contractId: number | null;
  subject: string;
  evidence: Evidence;
};

export type RedFlagRule = {
  key: RedFlagRuleKey;
  /** The figure from which a subject is flagged (flagged at the threshold and above; for `withinDays` the raises must fall within that many days). */
  threshold: number;
  unit: 'awards' | 'raises' | 'days' | 'months' | 'deliverables' | 'rectifications';
  /** The window the count is taken over, in days, where the rule has one. */
  withinDays?: number;
  find: (today: string) => Promise<RedFlagFinding[]>;
};

export const RED_FLAG_RULE_KEYS = [
  'repeated_direct_award',
  'upward_amendments',
  'late_acceptance',
  'claims_at_cap',
  'payment_without_deliverable',
  'award_in_rectification',
  'final_evaluation_missing',
] as const;
export type RedFlagRuleKey = (typeof RED_FLAG_RULE_KEYS)[number];

type Row = Record<string, unknown>;
const select = (sql: string, replacements: Record<string, unknown> = {}) => getSequelize().query<Row>(sql, { type: QueryTypes.SELECT, replacements });
const num = (v: unknown) => Number(v ?? 0);
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
/** A DATEONLY column as `YYYY-MM-DD` (MySQL may hand back a Date). */
const dayOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : str(v).slice(0, 10));
/** A timestamp column (UTC) as its day in Asia/Shanghai. */
const instantDay = (v: unknown) => {
  if (v instanceof Date) return beijingDay(v);
  const text = String(v).trim().replace(' +00:00', 'Z').replace(' ', 'T');
  return beijingDay(new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`));
};

/** The day in Asia/Shanghai of a timestamp column (stored UTC), in SQL: the one dialect difference of the rules. */
function beijingDateSql(column: string): string {
  return dialectOf() === 'sqlite' ? `date(${column}, '+8 hours')` : `DATE(DATE_ADD(${column}, INTERVAL 8 HOUR))`;
}

/** Whole days from the DATE column `from` to the day of the timestamp column `to`, in SQL. */
function daysLateSql(from: string, to: string): string {
  return dialectOf() === 'sqlite' ? `CAST(julianday(${beijingDateSql(to)}) - julianday(${from}) AS INTEGER)` : `DATEDIFF(${beijingDateSql(to)}, ${from})`;
}

/** Direct awards: the methods that skip competition (单一来源, and 委托 of section 三(二)). */
export const DIRECT_METHODS = ['single_source', 'entrustment'] as const;

const repeatedDirectAward: RedFlagRule = {
  key: 'repeated_direct_award',
  threshold: 2,
  unit: 'awards',
  async find() {
    const rows = await select(
      `SELECT a.id AS id, a.organisation_id AS o, p.district_id AS d, p.year AS y, p.id AS pid, p.title AS title,
              p.procurement_method AS m, a.amount_fen AS fen, a.awarded_at AS at, org.name AS org
         FROM awards a JOIN projects p ON p.id = a.project_id JOIN organisations org ON org.id = a.organisation_id
        WHERE a.status = 'active' AND p.procurement_method IN (:methods)
        ORDER BY a.awarded_at, a.id`,
      { methods: DIRECT_METHODS },
    );
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      const key = `${num(r.o)}:${num(r.d)}:${num(r.y)}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups]
      .filter(([, g]) => g.length >= this.threshold)
      .map(([key, g]) => ({
        fingerprint: `${this.key}:${key}`,
        districtId: num(g[0].d),
        organisationId: num(g[0].o),
        contractId: null,
        subject: `${str(g[0].org)} · ${num(g[0].y)}`,
        evidence: {
          figure: g.length,
          items: g.map((r) => ({
            kind: 'award',
            href: `/projects/${num(r.pid)}`,
            values: { title: str(r.title), method: str(r.m), amountFen: num(r.fen), on: instantDay(r.at) },
          })),
        },
      }));
  },
};

const upwardAmendments: RedFlagRule = {
  key: 'upward_amendments',
  threshold: 2,
  unit: 'raises',
  withinDays: 90,
  async find() {
    const rows = await select(
      `SELECT v.contract_id AS c, v.version AS v, v.value_fen AS fen, v.created_at AS at, k.number AS number, k.district_id AS d, k.organisation_id AS o
         FROM contract_versions v JOIN contracts k ON k.id = v.contract_id
        WHERE v.contract_id IN (SELECT contract_id FROM contract_versions GROUP BY contract_id HAVING COUNT(*) > :threshold)
        ORDER BY v.contract_id, v.version`,
      { threshold: this.threshold },
    );
    const byContract = new Map<number, Row[]>();
    for (const r of rows) byContract.set(num(r.c), [...(byContract.get(num(r.c)) ?? []), r]);
    const found: RedFlagFinding[] = [];
    for (const [contractId, versions] of byContract) {
      const raises = versions
        .map((r, i) => ({ r, before: i > 0 ? num(versions[i - 1].fen) : null }))
        .filter((x) => x.before !== null && num(x.r.fen) > x.before)
        .map((x) => ({ ...x, on: instantDay(x.r.at) }));
      // The most raises any window of `withinDays` holds, from its first raise on.
      let best: typeof raises = [];
      for (let i = 0; i < raises.length; i += 1) {
        const window = raises.filter((x, j) => j >= i && daysBetween(raises[i].on, x.on) <= this.withinDays!);
        if (window.length > best.length) best = window;
      }
      if (best.length < this.threshold) continue;
      const first = versions[0];
      found.push({
        fingerprint: `${this.key}:${contractId}`,
        districtId: num(first.d),
        organisationId: num(first.o),
        contractId,
        subject: str(first.number),
        evidence: {
          figure: best.length,
          items: best.map((x) => ({
            kind: 'amendment',
            href: `/contracts/${contractId}`,
            values: { version: num(x.r.v), fromFen: x.before, toFen: num(x.r.fen), on: x.on },
          })),
        },
      });
    }
    return found;
  },
};

const lateAcceptance: RedFlagRule = {
  key: 'late_acceptance',
  threshold: 60,
  unit: 'days',
  async find() {
    const late = daysLateSql('d.due_on', 'd.accepted_at');
    const rows = await select(
      `SELECT d.id AS id, d.contract_id AS c, d.district_id AS d, d.organisation_id AS o, d.due_on AS due, d.accepted_at AS at,
              d.period_start AS ps, d.period_end AS pe, k.number AS number, ${late} AS days
         FROM deliverables d JOIN contracts k ON k.id = d.contract_id
        WHERE d.status = 'accepted' AND d.accepted_at IS NOT NULL AND ${late} >= :threshold`,
      { threshold: this.threshold },
    );
    return rows.map((r) => ({
      fingerprint: `${this.key}:${num(r.id)}`,
      districtId: num(r.d),
      organisationId: num(r.o),
      contractId: num(r.c),
      subject: str(r.number),
      evidence: {
        figure: num(r.days),
        items: [
          {
            kind: 'deliverable',
            href: `/deliverables/${num(r.id)}`,
            values: { period: `${dayOf(r.ps)} – ${dayOf(r.pe)}`, dueOn: dayOf(r.due), acceptedOn: instantDay(r.at), days: num(r.days) },
          },
        ],
      },
    }));
  },
};

const claimsAtCap: RedFlagRule = {
  key: 'claims_at_cap',
  threshold: 3,
  unit: 'months',
  async find() {
    // Only worker-months that reach the lowest cap of their kind come back; the exact cap is the contract's own or the city default.
    const rows = await select(
      `SELECT cl.contract_id AS c, cl.child_worker_id AS w, cl.month AS month, l.kind AS kind, SUM(COALESCE(l.sanctioned_fen, l.amount_fen)) AS fen,
              MIN(cl.district_id) AS d, MIN(cl.organisation_id) AS o
         FROM claim_lines l JOIN claims cl ON cl.id = l.claim_id
        WHERE cl.status IN ('submitted', 'verified', 'approved', 'paid')
        GROUP BY cl.contract_id, cl.child_worker_id, cl.month, l.kind
       HAVING SUM(COALESCE(l.sanctioned_fen, l.amount_fen)) >= (SELECT MIN(cc.cap_fen) FROM claim_caps cc WHERE cc.kind = l.kind)
        ORDER BY cl.contract_id, cl.child_worker_id, l.kind, cl.month`,
    );
    if (!rows.length) return [];
    const contractIds = [...new Set(rows.map((r) => num(r.c)))];
    const workerIds = [...new Set(rows.map((r) => num(r.w)))];
    const [caps, contracts, workers] = await Promise.all([
      select('SELECT contract_id AS c, kind, cap_fen AS fen FROM claim_caps WHERE contract_id IS NULL OR contract_id IN (:ids)', { ids: contractIds }),
      select('SELECT id, number FROM contracts WHERE id IN (:ids)', { ids: contractIds }),
      select('SELECT id, name FROM child_workers WHERE id IN (:ids)', { ids: workerIds }),
    ]);
    const capOf = (contractId: number, kind: string) =>
      num((caps.find((x) => num(x.c) === contractId && x.kind === kind) ?? caps.find((x) => x.c === null && x.kind === kind))?.fen);
    const numberOf = new Map(contracts.map((x) => [num(x.id), str(x.number)]));
    const nameOf = new Map(workers.map((x) => [num(x.id), str(x.name)]));
    const runs = new Map<string, Row[]>();
    for (const r of rows) {
      if (num(r.fen) < capOf(num(r.c), str(r.kind))) continue;
      const key = `${num(r.c)}:${num(r.w)}:${str(r.kind)}`;
      runs.set(key, [...(runs.get(key) ?? []), r]);
    }
    const found: RedFlagFinding[] = [];
    for (const [key, months] of runs) {
      // The longest run of consecutive months at the cap.
      let best: Row[] = [];
      let run: Row[] = [];
      for (const m of months) {
        const previous = run.at(-1);
        run = previous && addDays(`${str(previous.month)}-28`, 7).slice(0, 7) === str(m.month) ? [...run, m] : [m];
        if (run.length > best.length) best = run;
      }
      if (best.length < this.threshold) continue;
      const first = best[0];
      const contractId = num(first.c);
      found.push({
        fingerprint: `${this.key}:${key}`,
        districtId: num(first.d),
        organisationId: num(first.o),
        contractId,
        subject: `${nameOf.get(num(first.w)) ?? ''} · ${numberOf.get(contractId) ?? ''}`,
        evidence: {
          figure: best.length,
          items: best.map((m) => ({
            kind: 'claimMonth',
            href: `/claims?contractId=${contractId}&childWorkerId=${num(m.w)}&month=${str(m.month)}`,
            values: { month: str(m.month), claimKind: str(m.kind), amountFen: num(m.fen), capFen: capOf(contractId, str(m.kind)) },
          })),
        },
      });
    }
    return found;
  },
};

const paymentWithoutDeliverable: RedFlagRule = {
  key: 'payment_without_deliverable',
  threshold: 1,
  unit: 'deliverables',
  async find() {
    const rows = await select(
      `SELECT p.id AS id, p.contract_id AS c, p.district_id AS d, p.organisation_id AS o, p.amount_fen AS fen, p.paid_on AS paid,
              i.seq AS seq, i.milestone AS milestone, k.number AS number
         FROM payments p JOIN instalments i ON i.id = p.instalment_id JOIN contracts k ON k.id = p.contract_id
        WHERE p.kind = 'instalment' AND p.status = 'paid' AND p.paid_on IS NOT NULL
          AND (SELECT COUNT(*) FROM deliverables d WHERE d.contract_id = p.contract_id AND d.status = 'accepted'
                 AND ${beijingDateSql('d.accepted_at')} <= p.paid_on) < :threshold`,
      { threshold: this.threshold },
    );
    return rows.map((r) => ({
      fingerprint: `${this.key}:${num(r.id)}`,
      districtId: num(r.d),
      organisationId: num(r.o),
      contractId: num(r.c),
      subject: str(r.number),
      evidence: {
        figure: 0,
        items: [
          {
            kind: 'payment',
            href: `/payments/${num(r.id)}`,
            values: { seq: num(r.seq), milestone: str(r.milestone), amountFen: num(r.fen), paidOn: dayOf(r.paid) },
          },
        ],
      },
    }));
  },
};

const awardInRectification: RedFlagRule = {
  key: 'award_in_rectification',
  threshold: 1,
  unit: 'rectifications',
  async find() {
    const rows = await select(
      `SELECT a.id AS id, a.organisation_id AS o, p.district_id AS d, p.id AS pid, p.title AS title, p.procurement_method AS m, a.awarded_at AS at,
              a.amount_fen AS fen, org.name AS org, e.id AS eid, e.confirmed_at AS opened, e.rectification_deadline AS deadline, k.number AS number
         FROM awards a JOIN projects p ON p.id = a.project_id JOIN organisations org ON org.id = a.organisation_id
         JOIN evaluations e ON e.organisation_id = a.organisation_id JOIN contracts k ON k.id = e.contract_id
        WHERE a.status = 'active' AND e.status = 'confirmed' AND e.consequence = 'rectification'
          AND e.confirmed_at <= a.awarded_at AND (e.rectification_closed_at IS NULL OR e.rectification_closed_at > a.awarded_at)
        ORDER BY a.id, e.id`,
    );
    const byAward = new Map<number, Row[]>();
    for (const r of rows) byAward.set(num(r.id), [...(byAward.get(num(r.id)) ?? []), r]);
    return [...byAward]
      .filter(([, g]) => g.length >= this.threshold)
      .map(([awardId, g]) => ({
        fingerprint: `${this.key}:${awardId}`,
        districtId: num(g[0].d),
        organisationId: num(g[0].o),
        contractId: null,
        subject: `${str(g[0].org)} · ${str(g[0].title)}`,
        evidence: {
          figure: g.length,
          items: [
            {
              kind: 'award',
              href: `/projects/${num(g[0].pid)}`,
              values: { title: str(g[0].title), method: str(g[0].m), amountFen: num(g[0].fen), on: instantDay(g[0].at) },
            },
            ...g.map((r) => ({
              kind: 'rectification',
              href: `/evaluations/${num(r.eid)}`,
              values: { number: str(r.number), openedOn: instantDay(r.opened), deadline: dayOf(r.deadline) },
            })),
          ],
        },
      }));
  },
};

const finalEvaluationMissing: RedFlagRule = {
  key: 'final_evaluation_missing',
  threshold: 30,
  unit: 'days',
  async find(today) {
    const rows = await select(
      `SELECT c.id AS id, c.number AS number, c.district_id AS d, c.organisation_id AS o, c.term_end AS ended
         FROM contracts c
        WHERE c.status IN ('active', 'completed') AND c.term_end <= :cutoff
          AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.contract_id = c.id AND e.kind = 'final' AND e.status IN ('submitted', 'confirmed'))`,
      { cutoff: addDays(today, -this.threshold) },
    );
    return rows.map((r) => ({
      fingerprint: `${this.key}:${num(r.id)}`,
      districtId: num(r.d),
      organisationId: num(r.o),
      contractId: num(r.id),
      subject: str(r.number),
      evidence: {
        figure: daysBetween(dayOf(r.ended), today),
        items: [{ kind: 'contractEnded', href: `/contracts/${num(r.id)}`, values: { termEnd: dayOf(r.ended), days: daysBetween(dayOf(r.ended), today) } }],
      },
    }));
  },
};

/** Every rule, in the order the list shows them. */
export const RED_FLAG_RULES: readonly RedFlagRule[] = [
  repeatedDirectAward,
  upwardAmendments,
  lateAcceptance,
  claimsAtCap,
  paymentWithoutDeliverable,
  awardInRectification,
  finalEvaluationMissing,
];

/** What every rule finds today, each finding with its rule. */
export async function findRedFlags(today: string): Promise<(RedFlagFinding & { rule: RedFlagRuleKey })[]> {
  const found = await Promise.all(RED_FLAG_RULES.map(async (r) => (await r.find(today)).map((f) => ({ ...f, rule: r.key }))));
  return found.flat();
}
