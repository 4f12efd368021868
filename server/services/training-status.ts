import { today } from '../clock.js';
import { addDays, addMonths, dayParts } from './calendar.js';

/**
 * Whether a child worker counts as trained (培训合格) on a given day, by section 二 of the 2019
 * policy: a worker is trained from a passed initial training, and must pass a training again at
 * least once a year to stay so; the registry warns 30 days before that lapses.
 *
 * The exact rule, on calendar days in Asia/Shanghai (`YYYY-MM-DD`):
 * - trained on day D iff there is a passed `initial` training on or before D, and the most recent
 *   passed training (initial or refresher) on or before D, call it L, has L + 12 months ≥ D;
 * - so a training on 2025-03-15 keeps the worker trained through 2026-03-15, and the worker is
 *   lapsed on 2026-03-16 (`lapsesOn`). Adding 12 months to 29 February gives 28 February;
 * - `lapsingSoon` iff trained and `lapsesOn` ≤ D + 30 days.
 *
 * Failed trainings count for nothing; trainings after D are ignored (D may be in the past).
 * Later rules (engagements, claims) call `trainingStatus` or `isTrainedOn`.
 */

export type TrainingFact = { kind: 'initial' | 'refresher'; trainedOn: string; passed: boolean };

/** The two days the status depends on: the first passed initial training and the latest passed training. */
export type TrainingSummary = { trainingPassedOn: string | null; lastTrainingPassedOn: string | null };

export type TrainingStatus = {
  trained: boolean;
  /** The first passed initial training, when trained on that day; otherwise null. */
  since: string | null;
  /**
   * The first day on which the worker is no longer trained, after a passed initial training:
   * a day after `on` when trained, on or before `on` when lapsed; null when never trained.
   */
  lapsesOn: string | null;
  lapsingSoon: boolean;
};

/** How many days before `lapsesOn` the registry starts to warn. */
export const LAPSE_WARNING_DAYS = 30;
/** How long one passed training keeps a worker trained. */
export const VALID_FOR_MONTHS = 12;

/** The last day a training on `day` keeps its worker trained. */
function validThrough(day: string): string {
  return addMonths(day, VALID_FOR_MONTHS);
}

/**
 * The earliest training day that still keeps a worker trained on `on`: trained iff the latest
 * passed training is on or after it. Used by the list to filter in the database.
 */
export function earliestValidTrainingDay(on: string): string {
  // validThrough is monotonic; near a month end several days map to one, so step from a guess.
  let day = addDays(addMonths(on, -VALID_FOR_MONTHS), -3);
  while (validThrough(day) < on) day = addDays(day, 1);
  return day;
}

/**
 * The latest training day whose validity ends within the warning window of `on` (lapsesOn ≤
 * on + 30 days): a trained worker whose latest passed training is on or before it is lapsing soon.
 */
export function latestLapsingTrainingDay(on: string): string {
  const limit = addDays(on, LAPSE_WARNING_DAYS - 1);
  let day = addDays(addMonths(limit, -VALID_FOR_MONTHS), 3);
  while (validThrough(day) > limit) day = addDays(day, -1);
  return day;
}

/** The status from the two summary days (as the registry keeps them), on day `on`. */
export function statusFromSummary(summary: TrainingSummary, on: string): TrainingStatus {
  const { trainingPassedOn, lastTrainingPassedOn } = summary;
  if (!trainingPassedOn || !lastTrainingPassedOn || trainingPassedOn > on) {
    return { trained: false, since: null, lapsesOn: null, lapsingSoon: false };
  }
  const lapsesOn = addDays(validThrough(lastTrainingPassedOn), 1);
  const trained = lapsesOn > on;
  return {
    trained,
    since: trained ? trainingPassedOn : null,
    lapsesOn,
    lapsingSoon: trained && lapsesOn <= addDays(on, LAPSE_WARNING_DAYS),
  };
}

/** The summary days of a worker's trainings up to `on` (all of them when `on` is omitted). */
export function summariseTrainings(records: readonly TrainingFact[], on?: string): TrainingSummary {
  let trainingPassedOn: string | null = null;
  let lastTrainingPassedOn: string | null = null;
  for (const r of records) {
    dayParts(r.trainedOn);
    if (!r.passed || (on !== undefined && r.trainedOn > on)) continue;
    if (r.kind === 'initial' && (!trainingPassedOn || r.trainedOn < trainingPassedOn)) trainingPassedOn = r.trainedOn;
    if (!lastTrainingPassedOn || r.trainedOn > lastTrainingPassedOn) lastTrainingPassedOn = r.trainedOn;
  }
  return { trainingPassedOn, lastTrainingPassedOn };
}

/** A worker's training status on day `on` (default: today in Asia/Shanghai), from their training records. */
export function trainingStatus(records: readonly TrainingFact[], on: string = today()): TrainingStatus {
  dayParts(on);
  return statusFromSummary(summariseTrainings(records, on), on);
}

/** Whether the worker is trained on day `on`: the check engagements and claims make. */
export function isTrainedOn(records: readonly TrainingFact[], on: string): boolean {
  return trainingStatus(records, on).trained;
}
