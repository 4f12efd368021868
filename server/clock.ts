/** The current time. One place, so that time-dependent rules read it the same way. */
export function now(): Date {
  return fixed ? new Date(fixed.getTime()) : new Date();
}

let fixed: Date | null = null;

/**
 * Tests only: stops the clock at `at` (null lets it run again), so rules that depend on today
 * (lateness, what is due) can be tested on any day. Refused in production.
 */
export function setClock(at: Date | null): void {
  if (process.env.NODE_ENV === 'production') throw new Error('The clock cannot be set in production');
  fixed = at ? new Date(at.getTime()) : null;
}
