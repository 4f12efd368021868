import { TERM_MONTHS } from '../../models/Contract.js';
import type { EvaluationKind } from '../../models/Evaluation.js';
import type { MilestoneMinGrade } from '../../models/Instalment.js';
import type { FieldErrors } from '../errors.js';
import { addMonths } from './calendar.js';

/** A milestone tied to an evaluation (#12): met by a confirmed evaluation of `kind` reaching `grade`. */
export type EvaluationTie = { kind: EvaluationKind; grade: MilestoneMinGrade };

/** One instalment as entered: an amount in fen OR a share in basis points (30 % = 3000), its milestone, and the evaluation it may be tied to. */
export type InstalmentInput = {
  amountFen?: number | null;
  percentBp?: number | null;
  milestone: string;
  dueOn?: string | null;
  evaluationTie?: EvaluationTie | null;
};

/** One instalment as scheduled: its amount in fen always, its share when entered as one. */
export type ScheduledInstalment = {
  seq: number;
  amountFen: number;
  percentBasisPoints: number | null;
  milestone: string;
  dueOn: string | null;
  requiresFinalEvaluation: boolean;
  /** `evaluation` when tied to one (else `manual`: deliverable and target conditions are set on the reporting schedule). */
  milestoneKind: 'manual' | 'evaluation';
  milestoneEvaluationKind: EvaluationKind | null;
  milestoneMinGrade: MilestoneMinGrade | null;
};

export type ScheduleMode = 'amount' | 'percent';

/**
 * Art. 24 of the procurement measures: a term runs at most 12 months (it ends before the same
 * day 12 months on), up to 36 with a written justification, never more. Returns field errors.
 */
export function termErrors(termStart: string, termEnd: string, justification: string | null | undefined): FieldErrors {
  if (termEnd < termStart) return { termEnd: 'contracts.validation.termEndBeforeStart' };
  if (termEnd >= addMonths(termStart, TERM_MONTHS.justified)) return { termEnd: 'contracts.validation.termTooLong' };
  if (termEnd >= addMonths(termStart, TERM_MONTHS.plain) && !justification?.trim()) {
    return { termJustification: 'contracts.validation.justificationRequired' };
  }
  return {};
}

/**
 * The schedule of instalments for `valueFen`: amounts must sum to the value exactly; shares must
 * sum to 100 % exactly and become fen rounded down, the remainder going to the last instalment.
 * The last instalment is paid only after the final evaluation. A schedule that does not sum is a
 * field error on `instalments`.
 */
export function buildSchedule(
  valueFen: number,
  mode: ScheduleMode,
  rows: readonly InstalmentInput[],
): { schedule: ScheduledInstalment[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (rows.length === 0) return { schedule: [], errors: { instalments: 'contracts.validation.scheduleEmpty' } };
  rows.forEach((r, i) => {
    if (!r.milestone.trim()) errors[`milestone_${i}`] = 'validation.required';
    const figure = mode === 'amount' ? r.amountFen : r.percentBp;
    if (figure === null || figure === undefined || !Number.isSafeInteger(figure) || figure <= 0)
      errors[`figure_${i}`] = 'contracts.validation.instalmentPositive';
  });
  if (Object.keys(errors).length) return { schedule: [], errors };
  let amounts: number[];
  if (mode === 'amount') {
    amounts = rows.map((r) => r.amountFen as number);
    if (amounts.reduce((a, b) => a + b, 0) !== valueFen) return { schedule: [], errors: { instalments: 'contracts.validation.scheduleSum' } };
  } else {
    const shares = rows.map((r) => r.percentBp as number);
    if (shares.reduce((a, b) => a + b, 0) !== 10_000) return { schedule: [], errors: { instalments: 'contracts.validation.schedulePercentSum' } };
    amounts = shares.map((bp) => Math.floor((valueFen * bp) / 10_000));
    amounts[amounts.length - 1] += valueFen - amounts.reduce((a, b) => a + b, 0);
  }
  const schedule = rows.map((r, i) => ({
    seq: i + 1,
    amountFen: amounts[i],
    percentBasisPoints: mode === 'percent' ? (r.percentBp as number) : null,
    milestone: r.milestone.trim(),
    dueOn: r.dueOn || null,
    requiresFinalEvaluation: i === rows.length - 1,
    milestoneKind: r.evaluationTie ? ('evaluation' as const) : ('manual' as const),
    milestoneEvaluationKind: r.evaluationTie?.kind ?? null,
    milestoneMinGrade: r.evaluationTie?.grade ?? null,
  }));
  return { schedule, errors: {} };
}

/**
 * The shares of the open instalments as the form shows them again, in basis points summing to
 * 10 000, or null when the schedule was entered in amounts (any open instalment without a share).
 * A schedule drafted in shares comes back as entered; once some instalments are fixed (requested
 * or paid), the open ones are scaled to share the rest, rounded down, the last taking the remainder,
 * as buildSchedule reads them back for an amendment.
 */
export function openShares(open: readonly { percentBasisPoints: number | null }[]): number[] | null {
  if (open.length === 0 || open.some((i) => i.percentBasisPoints === null || i.percentBasisPoints <= 0)) return null;
  const bps = open.map((i) => i.percentBasisPoints as number);
  const total = bps.reduce((a, b) => a + b, 0);
  if (total === 10_000) return bps;
  const scaled = bps.map((bp) => Math.floor((bp * 10_000) / total));
  scaled[scaled.length - 1] += 10_000 - scaled.reduce((a, b) => a + b, 0);
  return scaled;
}
