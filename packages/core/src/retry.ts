/** `Retry_Limit` meaning "retry forever" (`no_limits`, `false`, `off`). */
export const RETRY_UNLIMITED = -1;
/** `Retry_Limit no_retries`: drop on the first retry request. */
export const RETRY_NONE = 0;

/** Retry backoff in seconds: Fluent Bit's `scheduler.base` and `scheduler.cap`. */
export interface Backoff {
  readonly base: number;
  readonly cap: number;
}

/** Fluent Bit's scheduler defaults. */
export const DEFAULT_BACKOFF: Backoff = { base: 5, cap: 2000 };

/**
 * Seconds to wait before retry number `attempts` (1 for the first), Fluent Bit's
 * `backoff_full_jitter`: a uniform integer in [base, min(cap, base·2^attempts)], plus one.
 */
export function retryDelaySeconds(
  attempts: number,
  backoff: Backoff = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const upper = Math.min(backoff.cap, backoff.base * 2 ** attempts);
  const lower = Math.min(backoff.base, upper);
  return lower + Math.floor(random() * (upper - lower + 1)) + 1;
}

/** Whether a delivery that failed `attempts` times before may be retried again. */
export function mayRetry(retryLimit: number, attempts: number): boolean {
  return retryLimit === RETRY_UNLIMITED || attempts < retryLimit;
}
