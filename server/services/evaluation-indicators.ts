import { Op } from 'sequelize';
import type { Contract } from '../../models/Contract.js';
import type { ScoreSource } from '../../models/EvaluationScore.js';
import type { ComputedIndicator } from '../../models/EvaluationTemplateIndicator.js';
import { Instalment } from '../../models/Instalment.js';
import { Payment } from '../../models/Payment.js';
import { shareHundredths } from './evaluation-grades.js';
import { shanghaiDayStart } from './listing.js';

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

const NOT_AVAILABLE: IndicatorValue = { available: false, reasonKey: 'evaluations.indicators.sourceMissing' };

/** The instants the period covers, for timestamp columns. */
function instants(period: IndicatorPeriod) {
  const end = shanghaiDayStart(period.end);
  return { [Op.gte]: shanghaiDayStart(period.start), [Op.lt]: new Date(end.getTime() + 24 * 3_600_000) };
}

/**
 * Financial compliance (资金使用合规) from payments: of the contract's payments requested in the
 * period, the share that were requested only for a milestone met and not rejected. The requester
 * already refuses a payment before its milestone is met, so a breach shows here as a rejected
 * payment or one whose instalment is not past its milestone. With no payment in the period there is
 * nothing non-compliant: 100, with no source listed (the page says so). Claims (#6) join the
 * count when they exist.
 */
export async function financialCompliance(contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  const payments = await Payment.findAll({
    where: { contractId: contract.id, requestedAt: instants(period) },
    include: [{ model: Instalment, as: 'instalment', attributes: ['id', 'seq', 'status'] }],
    order: [['id', 'ASC']],
  });
  const sources = payments.map((p) => {
    const milestoneMet = p.kind !== 'instalment' || (!!p.instalment && !['scheduled', 'cancelled'].includes(p.instalment.status));
    return { kind: 'payment', id: p.id, href: `/payments/${p.id}`, state: p.status, counts: p.status !== 'rejected' && milestoneMet };
  });
  const part = sources.filter((s) => s.counts).length;
  return { available: true, scoreHundredths: shareHundredths(part, sources.length) ?? 10000, part, whole: sources.length, sources };
}

/**
 * The sources, by indicator. Target completion, timeliness and acceptance at first submission
 * read deliverables (#5); until their records exist they are not available.
 */
export const INDICATOR_SOURCES: Record<ComputedIndicator, IndicatorSource> = {
  target_completion: async () => NOT_AVAILABLE,
  timeliness: async () => NOT_AVAILABLE,
  first_acceptance: async () => NOT_AVAILABLE,
  financial_compliance: financialCompliance,
};

/** The value of one computed indicator for a contract over a period. */
export function computeIndicator(code: ComputedIndicator, contract: Contract, period: IndicatorPeriod): Promise<IndicatorValue> {
  return INDICATOR_SOURCES[code](contract, period);
}
