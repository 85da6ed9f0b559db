/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the SDK's retry
 * strategy only retries whole requests, while PutRecords fails per entry inside a 200 response, so resending just the
 * failed entries needs its own small loop. These few lines keep that loop's timing testable.
 */

/** Bounds of a retry loop: attempts, per-delay cap and total elapsed time. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Cap of the first retry's delay; doubles per retry. */
  readonly baseDelayMs: number;
  /** Largest single delay. */
  readonly maxDelayMs: number;
  /** No retry starts after this much time since the first attempt. */
  readonly maxElapsedMs: number;
}

/** Waits `ms` milliseconds; injectable so tests do not sleep. */
export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delay before retry number `retry` (1 for the first retry): uniform in [0, min(maxDelay, base · 2^(retry-1))).
 *
 * @param random - uniform [0, 1) source, `Math.random` by default
 * @example
 * fullJitterDelay(3, { baseDelayMs: 100, maxDelayMs: 5000, maxAttempts: 8, maxElapsedMs: 20000 }); // in [0, 400)
 */
export function fullJitterDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
