import type { ReportingFrequency } from '../../models/ReportingSchedule.js';
import { addDays } from './calendar.js';

/**
 * A contract's reporting schedule (DOMAIN.md "Deliverable": due dates): monthly, quarterly, or on
 * set dates, turned into the periods a deliverable is due for. Days are calendar days
 * (`YYYY-MM-DD`, Asia/Shanghai), computed in UTC arithmetic so no time zone moves them.
 */

/** Most set dates one schedule may have, and most days' grace after a period ends. */
export const MAX_REPORTING_DATES = 24;
export const MAX_GRACE_DAYS = 60;

export type ReportingPeriod = { periodStart: string; periodEnd: string; dueOn: string };

const fromTime = (t: number) => new Date(t).toISOString().slice(0, 10);
/** The earlier of two calendar days (ISO strings compare as dates). */
const earlier = (a: string, b: string) => (a < b ? a : b);

/** The day before the same day-of-month `months` later (clamped at month ends): a period's last day. */
function monthsLaterMinusOne(start: string, months: number): string {
  const [y, mo, d] = start.split('-').map(Number);
  const target = new Date(Date.UTC(y, mo - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return addDays(fromTime(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), day)), d > lastDay ? 0 : -1);
}

/**
 * The periods of a term: monthly or quarterly blocks from the term's first day (the last one cut
 * at the term's end), each due `graceDays` after it ends; or, on set dates, the stretch up to each
 * date (from the term's start or the day after the previous date), due on that date. Set dates
 * outside the term are ignored; duplicates count once.
 */
export function reportingPeriods(
  frequency: ReportingFrequency,
  term: { termStart: string; termEnd: string },
  options: { graceDays: number; dates?: readonly string[] },
): ReportingPeriod[] {
  const periods: ReportingPeriod[] = [];
  if (frequency === 'dates') {
    const dates = [...new Set(options.dates ?? [])].filter((d) => d >= term.termStart && d <= addDays(term.termEnd, MAX_GRACE_DAYS)).sort();
    let start = term.termStart;
    for (const date of dates) {
      const end = earlier(date, term.termEnd);
      if (start > end) break;
      periods.push({ periodStart: start, periodEnd: end, dueOn: date });
      start = addDays(end, 1);
    }
    return periods;
  }
  const step = frequency === 'monthly' ? 1 : 3;
  for (let i = 0; periods.length < 120; i += 1) {
    const periodStart = i === 0 ? term.termStart : addDays(periods[i - 1].periodEnd, 1);
    if (periodStart > term.termEnd) break;
    const natural = monthsLaterMinusOne(term.termStart, step * (i + 1));
    const periodEnd = earlier(natural, term.termEnd);
    periods.push({ periodStart, periodEnd, dueOn: addDays(periodEnd, options.graceDays) });
  }
  return periods;
}
