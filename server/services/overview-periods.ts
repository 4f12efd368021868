import { beijingDayStart } from '../clock.js';
import { addDays } from './calendar.js';

/** The periods the city overview compares: a whole year, or one of its quarters. */
export const OVERVIEW_PERIODS = ['year', 'q1', 'q2', 'q3', 'q4'] as const;
export type OverviewPeriodKind = (typeof OVERVIEW_PERIODS)[number];

/** A period of the overview: its year and kind, its first and last day (Beijing), and the instant it ends. */
export type OverviewPeriod = { year: number; kind: OverviewPeriodKind; from: string; to: string; endsAt: Date };

const pad = (n: number) => String(n).padStart(2, '0');
const QUARTER_END = ['03-31', '06-30', '09-30', '12-31'];

/** The period `kind` of `year`, with its days and the instant after its last day (Asia/Shanghai). */
export function overviewPeriod(year: number, kind: OverviewPeriodKind): OverviewPeriod {
  const q = kind === 'year' ? 0 : Number(kind.slice(1));
  const from = q === 0 ? `${year}-01-01` : `${year}-${pad((q - 1) * 3 + 1)}-01`;
  const to = q === 0 ? `${year}-12-31` : `${year}-${QUARTER_END[q - 1]}`;
  return { year, kind, from, to, endsAt: beijingDayStart(addDays(to, 1)) };
}

/** The period before: the year before a year, the quarter before a quarter (Q1 follows the previous year's Q4). */
export function previousPeriod(p: OverviewPeriod): OverviewPeriod {
  if (p.kind === 'year') return overviewPeriod(p.year - 1, 'year');
  if (p.kind === 'q1') return overviewPeriod(p.year - 1, 'q4');
  return overviewPeriod(p.year, `q${Number(p.kind.slice(1)) - 1}` as OverviewPeriodKind);
}

/** The four quarters of a year, for the lines over periods. */
export function quartersOf(year: number): OverviewPeriod[] {
  return (['q1', 'q2', 'q3', 'q4'] as const).map((q) => overviewPeriod(year, q));
}
