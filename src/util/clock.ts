/** The one source of time, so tests can shift it (clock skew, expiry). Milliseconds since epoch. */
let offsetMs = 0;

export function now(): number {
  return Date.now() + offsetMs;
}

/** Seconds since the epoch, as Kerberos times are kept. */
export function nowSeconds(): number {
  return Math.floor(now() / 1000);
}

/** For tests: shift the clock by `ms` (0 restores it). */
export function setClockOffset(ms: number): void {
  offsetMs = ms;
}
