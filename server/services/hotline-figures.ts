import { QueryTypes } from 'sequelize';
import { getSequelize } from '../db.js';
import { REFERRAL_DEPARTMENTS } from './hotline.js';

/**
 * The 12355 hotline across contracts (#17), per district and quarter of a year: from the accepted
 * version of every accepted hotline deliverable whose period ends in that quarter, the calls
 * received and answered, the answer time (the deliverables' averages weighted by calls answered),
 * the cases closed and the referrals per department; and the receiving departments' recorded
 * follow-up (handled, closed). Two queries whatever the data size. Counts only.
 */
export type HotlineFigures = {
  received: number;
  answered: number;
  /** Σ average answer seconds × calls answered, so averages combine correctly. */
  answerSeconds: number;
  closed: number;
  referrals: Record<string, number>;
  handled: Record<string, number>;
  followClosed: Record<string, number>;
};

const zeroes = () => Object.fromEntries(REFERRAL_DEPARTMENTS.map((d) => [d.code, 0])) as Record<string, number>;

/** Empty figures, to be added to. */
export function emptyHotlineFigures(): HotlineFigures {
  return { received: 0, answered: 0, answerSeconds: 0, closed: 0, referrals: zeroes(), handled: zeroes(), followClosed: zeroes() };
}

/** Adds `from` into `into`. */
export function addHotline(into: HotlineFigures, from: HotlineFigures): void {
  into.received += from.received;
  into.answered += from.answered;
  into.answerSeconds += from.answerSeconds;
  into.closed += from.closed;
  for (const d of REFERRAL_DEPARTMENTS) {
    into.referrals[d.code] += from.referrals[d.code];
    into.handled[d.code] += from.handled[d.code];
    into.followClosed[d.code] += from.followClosed[d.code];
  }
}

type Row = Record<string, string | number | null>;
const num = (v: unknown) => Number(v ?? 0) || 0;

/** The quarter (1–4) of a `YYYY-MM-DD` day. */
const quarterOf = (day: string) => Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;

/** Per district id, per quarter (1–4): the hotline's figures of `year`. */
export async function hotlineFigures(year: number): Promise<Map<number, Map<number, HotlineFigures>>> {
  const s = getSequelize();
  const [deliverables, followUps] = await Promise.all([
    s.query<Row>(
      `SELECT d.district_id AS d, d.period_end AS pe, v.metrics AS metrics
       FROM deliverables d JOIN deliverable_versions v ON v.deliverable_id = d.id AND v.version = d.accepted_version
       WHERE d.category_code = 'hotline' AND d.status = 'accepted' AND d.period_end BETWEEN :from AND :to`,
      { type: QueryTypes.SELECT, replacements: { from: `${year}-01-01`, to: `${year}-12-31` } },
    ),
    s.query<Row>(
      `SELECT district_id AS d, quarter AS q, department AS dep, SUM(handled_count) AS handled, SUM(closed_count) AS closed
       FROM referral_follow_ups WHERE year = :year GROUP BY district_id, quarter, department`,
      { type: QueryTypes.SELECT, replacements: { year } },
    ),
  ]);
  const out = new Map<number, Map<number, HotlineFigures>>();
  const at = (district: number, quarter: number) => {
    const byQuarter = out.get(district) ?? new Map<number, HotlineFigures>();
    out.set(district, byQuarter);
    const f = byQuarter.get(quarter) ?? emptyHotlineFigures();
    byQuarter.set(quarter, f);
    return f;
  };
  for (const r of deliverables) {
    const m = (typeof r.metrics === 'string' ? JSON.parse(r.metrics || '{}') : (r.metrics ?? {})) as Record<string, number>;
    const f = at(num(r.d), quarterOf(String(r.pe)));
    f.received += num(m.callsReceived);
    f.answered += num(m.callsAnswered);
    f.answerSeconds += num(m.averageAnswerSeconds) * num(m.callsAnswered);
    f.closed += num(m.casesClosed);
    for (const d of REFERRAL_DEPARTMENTS) f.referrals[d.code] += num(m[`referrals.${d.code}`]);
  }
  for (const r of followUps) {
    const f = at(num(r.d), num(r.q));
    const dep = String(r.dep);
    if (!(dep in f.handled)) continue;
    f.handled[dep] += num(r.handled);
    f.followClosed[dep] += num(r.closed);
  }
  return out;
}
