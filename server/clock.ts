/** The current time. One place, so that time-dependent rules read it the same way. */
export function now(): Date {
  return fixed ? new Date(fixed.getTime()) : new Date();
}

let fixed: Date | null = null;

/** Asia/Shanghai is UTC+8 all year (no daylight saving): Beijing wall-clock time minus this is UTC. */
export const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The calendar day of an instant in Beijing (Asia/Shanghai), `YYYY-MM-DD`. */
export function beijingDay(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Beijing calendar day (`YYYY-MM-DD`) begins: its midnight in Asia/Shanghai. */
export function beijingDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_OFFSET_MS);
}

/** This year in Beijing (on 31 December after 16:00 UTC it is already the next one), from the one clock. */
export function thisYear(): number {
  return Number(today().slice(0, 4));
}

/** Today in Beijing, `YYYY-MM-DD`, from the one clock (so the test clock reaches every rule that asks). */
export function today(): string {
  return beijingDay(now());
}

/**
 * Tests only: stops the clock at `at` (null lets it run again), so rules that depend on today
 * (lateness, what is due) can be tested on any day. Refused in production.
 */
export function setClock(at: Date | null): void {
  if (process.env.NODE_ENV === 'production') throw new Error('The clock cannot be set in production');
  fixed = at ? new Date(at.getTime()) : null;
}

/** Tests only: where the clock was stopped (null while it runs), so a helper that stops it can put it back. */
export function stoppedClock(): Date | null {
  return fixed ? new Date(fixed.getTime()) : null;
}
