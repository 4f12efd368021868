import type { ChildWorkerKind, ChildWorkerStatus, Employment } from '../../models/ChildWorker.js';
import type { LeftOutReason } from '../../models/AllowanceList.js';
import { addDays, addMonths } from './calendar.js';
import { VALID_FOR_MONTHS, type TrainingFact } from './training-status.js';

/**
 * Who is on a month's allowance list (津补贴, policy section 二(一)), as pure rules over the
 * registry's facts. The allowance pays a whole month of a worker in post and trained:
 *
 * - **in post throughout the month**: the worker was not marked out of post on or before its last
 *   day (`leftPostOn` is the first day out of post; a worker out of post with no day recorded,
 *   from before the day was kept, is out of post for every month);
 * - **trained throughout the month**: a passed initial training on or before its first day, and
 *   every day of the month covered by a passed training of the twelve months before it (the rule
 *   of `training-status.ts`): a training that lapses on the 16th and is renewed on the 20th leaves
 *   a gap, and the month is not paid; one renewed before it lapses is;
 * - **at the rate in force on the month's first day**: the district's latest schedule line for the
 *   worker's role and employment whose month is not after it (ties: the later entry). No line, or
 *   an amount of 0, leaves the worker out.
 * - a worker already on an approved or paid list of the month (another district's, after a move)
 *   is never listed twice.
 */

/** `YYYY-MM` as its first and last day. */
export function monthBounds(month: string): { first: string; last: string } {
  const first = `${month}-01`;
  return { first, last: addDays(addMonths(first, 1), -1) };
}

/** Whether a worker was in post throughout the month ending on `last`. */
export function inPostThroughout(worker: { status: ChildWorkerStatus; leftPostOn: string | null }, last: string): boolean {
  return worker.leftPostOn ? worker.leftPostOn > last : worker.status === 'active';
}

/**
 * Whether the worker's passed trainings cover every day from `first` to `last`, with the last day
 * they cover (as the trainings up to `last` stand) or why not: `untrained` when there was no passed
 * initial training by `first`, `lapsed` when there was but a day of the month is not covered.
 */
export function trainedThroughout(
  records: readonly TrainingFact[],
  first: string,
  last: string,
): { trained: true; until: string } | { trained: false; reason: 'untrained' | 'lapsed' } {
  const passed = records.filter((r) => r.passed && r.trainedOn <= last).sort((a, b) => (a.trainedOn < b.trainedOn ? -1 : a.trainedOn > b.trainedOn ? 1 : 0));
  if (!passed.some((r) => r.kind === 'initial' && r.trainedOn <= first)) return { trained: false, reason: 'untrained' };
  // `covered`: the first day not yet known to be covered. Sorted by day, a training after it leaves a gap no later one fills.
  let covered = first;
  for (const r of passed) {
    if (r.trainedOn > covered) break;
    const through = addMonths(r.trainedOn, VALID_FOR_MONTHS);
    if (through >= covered) covered = addDays(through, 1);
  }
  return covered > last ? { trained: true, until: addDays(covered, -1) } : { trained: false, reason: 'lapsed' };
}

/** A line of the schedule as the rule reads it. */
export type RateFact = { id: number; role: ChildWorkerKind; employment: Employment; amountFen: number; effectiveFrom: string };

/** The schedule line in force for a role and employment on `first` (the month's first day), or null. */
export function rateInForce<R extends RateFact>(rates: readonly R[], role: ChildWorkerKind, employment: Employment, first: string): R | null {
  let best: R | null = null;
  for (const r of rates) {
    if (r.role !== role || r.employment !== employment || r.effectiveFrom > first) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom || (r.effectiveFrom === best.effectiveFrom && r.id > best.id)) best = r;
  }
  return best;
}

/** A worker as the rule reads them. */
export type WorkerFact = {
  id: number;
  kind: ChildWorkerKind;
  employment: Employment;
  status: ChildWorkerStatus;
  leftPostOn: string | null;
  subDistrictId: number | null;
};

export type ListedWorker<R extends RateFact> = { worker: WorkerFact; rate: R; trainedUntil: string };

/**
 * The month's list of a district's workers: who is listed at which rate, and how many were left
 * out for each reason (the first that applies, in the order of LEFT_OUT_REASONS).
 */
export function allowanceRows<R extends RateFact>(
  month: string,
  workers: readonly WorkerFact[],
  trainingsOf: (workerId: number) => readonly TrainingFact[],
  rates: readonly R[],
  settledElsewhere: ReadonlySet<number>,
): { listed: ListedWorker<R>[]; leftOut: Record<LeftOutReason, number> } {
  const { first, last } = monthBounds(month);
  const leftOut: Record<LeftOutReason, number> = { outOfPost: 0, untrained: 0, lapsed: 0, listedElsewhere: 0, noRate: 0 };
  const listed: ListedWorker<R>[] = [];
  for (const worker of workers) {
    if (!inPostThroughout(worker, last)) {
      leftOut.outOfPost += 1;
      continue;
    }
    const training = trainedThroughout(trainingsOf(worker.id), first, last);
    if (!training.trained) {
      leftOut[training.reason] += 1;
      continue;
    }
    if (settledElsewhere.has(worker.id)) {
      leftOut.listedElsewhere += 1;
      continue;
    }
    const rate = rateInForce(rates, worker.kind, worker.employment, first);
    if (!rate || rate.amountFen <= 0) {
      leftOut.noRate += 1;
      continue;
    }
    listed.push({ worker, rate, trainedUntil: training.until });
  }
  return { listed, leftOut };
}
