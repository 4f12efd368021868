import { Op } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import type { ScoreSource } from '../../models/EvaluationScore.js';
import type { ComputedIndicator } from '../../models/EvaluationTemplateIndicator.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Deliverable } from '../../models/Deliverable.js';
import { Engagement } from '../../models/Engagement.js';
import { Instalment } from '../../models/Instalment.js';
import { Payment } from '../../models/Payment.js';
import { beijingDayStart, today } from '../clock.js';
import { contractProgress, lateDays } from './deliverable-progress.js';
import { shareHundredths } from './evaluation-grades.js';
import { daysBetween } from './calendar.js';

/** The days an evaluation looks at, `YYYY-MM-DD` in Asia/Shanghai, both included. */
export type IndicatorPeriod = { start: string; end: string };

/**
 * A computed indicator's value: 0–100 as hundredths, the counts it is the share of, and the records
 * it came from; or "not available" when the records it needs do not exist in the system (yet).
 * A computed indicator never scores without its source: an evaluation with an unavailable one
 * cannot be submitted.
 */
export type IndicatorValue =
  | { available: true; scoreHundredths: number; part: number; whole: number; sources: ScoreSource[] }
  | { available: false; reasonKey: string };

/** One source of computed indicators: the contract and the period in, the value out. */
export type IndicatorSource = (contract: Contract, period: IndicatorPeriod) => Promise<IndicatorValue>;

/** The instants the period covers, for timestamp columns. */
function instants(period: IndicatorPeriod) {
  const end = beijingDayStart(period.end);
  return { [Op.gte]: beijingDayStart(period.start), [Op.lt]: new Date(end.getTime() + 24 * 3_600_000) };
}

/**
 * Financial compliance (资金使用合规) from payments and claims: of the contract's payments requested
 * in the period and its claims handed in during the period, the share found in order. A payment
 * is in order when it was requested only for a milestone met and was not rejected (the requester
 * already refuses one before its milestone, so a breach shows as a rejected payment or one whose
 * instalment is not past its milestone); a claim when it is neither rejected nor (now) returned to
 * the organisation. With no payment or claim in the period nothing is out of order: 100, with no
 * record listed (the page says so).
 */
export async function financialCompliance(contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  const [payments, claims] = await Promise.all([
    Payment.findAll({
      where: { contractId: contract.id, requestedAt: instants(period) },
      include: [{ model: Instalment, as: 'instalment', attributes: ['id', 'seq', 'status'] }],
      order: [['id', 'ASC']],
    }),
    Claim.findAll({ where: { contractId: contract.id, submittedAt: instants(period) }, attributes: ['id', 'status'], order: [['id', 'ASC']] }),
  ]);
  const sources: ScoreSource[] = payments.map((p) => {
    const milestoneMet = p.kind !== 'instalment' || (!!p.instalment && !['scheduled', 'cancelled'].includes(p.instalment.status));
    return { kind: 'payment', id: p.id, href: `/payments/${p.id}`, state: p.status, counts: p.status !== 'rejected' && milestoneMet };
  });
  for (const c of claims)
    sources.push({ kind: 'claim', id: c.id, href: `/claims/${c.id}`, state: c.status, counts: !['rejected', 'returned'].includes(c.status) });
  const part = sources.filter((s) => s.counts).length;
  return { available: true, scoreHundredths: shareHundredths(part, sources.length) ?? 10000, part, whole: sources.length, sources };
}

/** A deliverable as a source record of an indicator. */
const deliverableSource = (d: Deliverable, counts: boolean): ScoreSource => ({
  kind: 'deliverable',
  id: d.id,
  href: `/deliverables/${d.id}`,
  state: d.status,
  counts,
});

/**
 * Target completion (目标完成率) from accepted deliverables: per contract target, the accepted sum of
 * its metric over the deliverables whose reporting period ends by the evaluation's end, against
 * the part of the target due by then (the target pro-rated over the days of the term elapsed, so
 * an interim or a spot check is not held to the whole year), capped at 100 %; the indicator is the
 * mean over the targets. A contract without targets has nothing to complete: not available.
 */
export async function targetCompletion(contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  const [through] = [period.end, contract.termEnd].sort();
  const [progress, accepted] = await Promise.all([
    contractProgress(contract.id, undefined, through),
    Deliverable.findAll({
      where: { contractId: contract.id, status: 'accepted', periodEnd: { [Op.lte]: through } },
      order: [
        ['dueOn', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
  ]);
  if (progress.length === 0) return { available: false, reasonKey: 'evaluations.indicators.noTargets' };
  const termDays = daysBetween(contract.termStart, contract.termEnd) + 1;
  const elapsed = Math.max(1, Math.min(termDays, daysBetween(contract.termStart, through) + 1));
  const shares = progress.map((p) => (p.target > 0 ? Math.min(10000, Math.floor((p.accepted * 10000 * termDays) / (p.target * elapsed))) : 10000));
  const score = Math.floor(shares.reduce((a, b) => a + b, 0) / shares.length);
  const met = shares.filter((x) => x === 10000).length;
  return { available: true, scoreHundredths: score, part: met, whole: shares.length, sources: accepted.map((d) => deliverableSource(d, true)) };
}

/**
 * Timeliness (按时提交率) from due dates: of the deliverables due within the period (and by today),
 * the share first handed in on or before their due date. None due in the period: not available.
 */
export async function timeliness(contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  const thisDay = today();
  const [until] = [period.end, thisDay].sort();
  const due = await Deliverable.findAll({
    where: { contractId: contract.id, dueOn: { [Op.between]: [period.start, until] } },
    order: [
      ['dueOn', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  if (due.length === 0) return { available: false, reasonKey: 'evaluations.indicators.noneDue' };
  const sources = due.map((d) => deliverableSource(d, !!d.firstSubmittedAt && lateDays(d, thisDay) === 0));
  const part = sources.filter((x) => x.counts).length;
  return { available: true, scoreHundredths: shareHundredths(part, due.length)!, part, whole: due.length, sources };
}

/**
 * Acceptance at first submission (一次验收通过率): of the deliverables of reporting periods ending
 * within the evaluation's period that have been decided at least once (accepted, or returned), the
 * share accepted at their first submission. None decided yet: not available.
 */
export async function firstAcceptance(contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  const rows = await Deliverable.findAll({
    where: { contractId: contract.id, periodEnd: { [Op.between]: [period.start, period.end] } },
    order: [
      ['dueOn', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const decided = rows.filter((d) => d.status === 'accepted' || d.status === 'returned' || d.submissionCount > 1);
  if (decided.length === 0) return { available: false, reasonKey: 'evaluations.indicators.noneDecided' };
  const sources = decided.map((d) => deliverableSource(d, d.status === 'accepted' && d.submissionCount === 1));
  const part = sources.filter((x) => x.counts).length;
  return { available: true, scoreHundredths: shareHundredths(part, decided.length)!, part, whole: decided.length, sources };
}

/**
 * The share of engaged child directors (儿童主任参与占比, DOMAIN.md "Child worker": the policy asks
 * organisations to prefer child directors): of the contract's engagements that overlap the period,
 * the share whose worker is a child director (the rest are supervisors). No engagement in the
 * period: not available.
 */
export async function childDirectorShare(contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  const rows = await Engagement.findAll({
    where: { contractId: contract.id, startsOn: { [Op.lte]: period.end }, endsOn: { [Op.gte]: period.start } },
    include: [{ model: ChildWorker, as: 'worker', attributes: ['id', 'kind'] }],
    order: [['id', 'ASC']],
  });
  if (rows.length === 0) return { available: false, reasonKey: 'evaluations.indicators.noEngagements' };
  const sources: ScoreSource[] = rows.map((e) => ({
    kind: 'engagement',
    id: e.id,
    href: `/contracts/${contract.id}/engagements`,
    state: e.worker?.kind ?? 'director',
    counts: e.worker?.kind === 'director',
  }));
  const part = sources.filter((x) => x.counts).length;
  return { available: true, scoreHundredths: shareHundredths(part, rows.length)!, part, whole: rows.length, sources };
}

/** The sources, by indicator: each reads the system's own records of the contract over the period. */
export const INDICATOR_SOURCES: Record<ComputedIndicator, IndicatorSource> = {
  target_completion: targetCompletion,
  timeliness,
  first_acceptance: firstAcceptance,
  financial_compliance: financialCompliance,
  child_director_share: childDirectorShare,
};

/** The value of one computed indicator for a contract over a period. */
export function computeIndicator(code: ComputedIndicator, contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  return INDICATOR_SOURCES[code](contract, period);
}
