/**
 * Calendar days (`YYYY-MM-DD`, days in Asia/Shanghai) and their arithmetic, done on UTC fields so
 * no time zone moves a day. Which day today is, or the day of an instant, comes from the clock
 * (`today()`, `beijingDay()` in `server/clock.ts`).
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The year, month and day of a calendar day; throws when it is not written `YYYY-MM-DD`. */
export function dayParts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new Error('A calendar day is written YYYY-MM-DD');
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = dayParts(day);
  return fromUtc(Date.UTC(y, m - 1, d + n));
}

/** `day` plus `n` calendar months, the day clamped to the end of a shorter month (2024-02-29 + 12 → 2025-02-28). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = dayParts(day);
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last)));
}

/** The whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = dayParts(from);
  const [y2, m2, d2] = dayParts(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}
