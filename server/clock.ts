/** The current time. One place, so that time-dependent rules read it the same way. */
export function now(): Date {
  return new Date();
}
