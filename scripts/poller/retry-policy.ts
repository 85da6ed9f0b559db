/**
 * What happens to a shard's head after an invocation: Lambda's retry, bisect and discard rules for stream sources
 * (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html), as a pure function.
 *
 * - Success: the whole batch is checkpointed.
 * - Partial failure (`ReportBatchItemFailures`): the records before the lowest failed one are checkpointed; the rest is
 *   retried. With bisection on, the retry batch is just that rest ("bisected at the returned sequence number");
 *   without it, the next batch is formed from the failed record onward, up to the batch size.
 * - Function error (throw, timeout, malformed response): with bisection on and more than one record, the batch is
 *   split in halves (first half first); splitting does not use the retry quota. Otherwise the same batch is retried.
 * - A record that has failed `maximumRetryAttempts + 1` invocations in a row: the batch that failed last is discarded
 *   to the on-failure destination and the checkpoint moves past it.
 */

/** Per-shard retry bookkeeping, carried between invocations. */
export interface RetryState {
  /** Lengths of the next batches, counted from the oldest unprocessed record (set by retries and bisection). */
  readonly plan: readonly number[];
  /** Failed invocations in a row whose batch began with the oldest unprocessed record. */
  readonly failures: number;
}

export const INITIAL_RETRY_STATE: RetryState = { plan: [], failures: 0 };

/** How an invocation ended, as the poller saw it. */
export type InvocationOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIndex: number }
  | { readonly kind: 'error'; readonly message: string };

export interface RetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly retryDelayMs: number;
}

/** What the shard consumer does next. */
export interface Step {
  /** Oldest records that are done: the checkpoint moves past them. */
  readonly commit: number;
  /** Records right after the committed ones that exhausted their retries: on-failure destination, then checkpoint. */
  readonly discard: number;
  readonly action: 'checkpoint' | 'retry' | 'bisect' | 'discard';
  readonly state: RetryState;
  /** Wait before the next invocation: backoff after a failure, 0 after progress or a bisection. */
  readonly delayMs: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Decides the step after invoking the function with the `batchLength` oldest unprocessed records.
 *
 * @param state the state the batch was formed with (its `plan[0]`, when present, equals `batchLength`)
 */
export function nextStep(
  state: RetryState,
  batchLength: number,
  outcome: InvocationOutcome,
  policy: RetryPolicy,
): Step {
  const rest = state.plan.length > 0 ? state.plan.slice(1) : [];
  switch (outcome.kind) {
    case 'success':
      return {
        commit: batchLength,
        discard: 0,
        action: 'checkpoint',
        state: { plan: rest, failures: 0 },
        delayMs: 0,
      };

    case 'partial': {
      const committed = outcome.failedIndex;
      const remaining = batchLength - committed;
      const failures = committed > 0 ? 1 : state.failures + 1;
      if (exhausted(failures, policy)) {
        return {
          commit: committed,
          discard: remaining,
          action: 'discard',
          state: { plan: rest, failures: 0 },
          delayMs: 0,
        };
      }
      const plan = policy.bisectBatchOnFunctionError ? [remaining, ...rest] : rest;
      return {
        commit: committed,
        discard: 0,
        action: 'retry',
        state: { plan, failures },
        delayMs: backoff(failures, policy),
      };
    }

    case 'error': {
      if (policy.bisectBatchOnFunctionError && batchLength > 1) {
        const first = Math.ceil(batchLength / 2);
        const plan = [first, batchLength - first, ...rest];
        return {
          commit: 0,
          discard: 0,
          action: 'bisect',
          state: { plan, failures: state.failures },
          delayMs: 0,
        };
      }
      const failures = state.failures + 1;
      if (exhausted(failures, policy)) {
        return {
          commit: 0,
          discard: batchLength,
          action: 'discard',
          state: { plan: rest, failures: 0 },
          delayMs: 0,
        };
      }
      return {
        commit: 0,
        discard: 0,
        action: 'retry',
        state: { plan: [batchLength, ...rest], failures },
        delayMs: backoff(failures, policy),
      };
    }
  }
}

/**
 * Removes `count` records from the front of a plan (records discarded for their age before an invocation): whole
 * entries first, then the front of the next one.
 */
export function consumePlan(plan: readonly number[], count: number): number[] {
  const result = [...plan];
  let left = count;
  while (left > 0 && result.length > 0) {
    const head = result[0] ?? 0;
    if (head <= left) {
      result.shift();
      left -= head;
    } else {
      result[0] = head - left;
      left = 0;
    }
  }
  return result;
}

function exhausted(failures: number, policy: RetryPolicy): boolean {
  return policy.maximumRetryAttempts >= 0 && failures > policy.maximumRetryAttempts;
}

function backoff(failures: number, policy: RetryPolicy): number {
  return Math.min(policy.retryDelayMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
}

/**
 * How many of the oldest records are older than `maximumRecordAgeMs` (−1 = no limit) at `nowMs`. Lambda discards
 * those instead of invoking the function with them. Arrival times only grow along a shard, so they form a prefix.
 */
export function expiredPrefixLength(
  arrivalsMs: readonly number[],
  nowMs: number,
  maximumRecordAgeMs: number,
): number {
  if (maximumRecordAgeMs < 0) return 0;
  const firstFresh = arrivalsMs.findIndex((arrivedMs) => nowMs - arrivedMs <= maximumRecordAgeMs);
  return firstFresh === -1 ? arrivalsMs.length : firstFresh;
}
