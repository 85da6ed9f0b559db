import {
  consumePlan,
  expiredPrefixLength,
  INITIAL_RETRY_STATE,
  nextStep,
  type RetryPolicy,
} from '../../../../scripts/poller/retry-policy';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maximumRetryAttempts: 2,
  bisectBatchOnFunctionError: false,
  retryDelayMs: 100,
  ...overrides,
});

describe('retry policy (Lambda stream error handling)', () => {
  it('checkpoints the whole batch on success and clears failures', () => {
    // Prepare
    const state = { plan: [4, 4], failures: 1 };

    // Act
    const step = nextStep(state, 4, { kind: 'success' }, policy());

    // Assess
    expect(step).toMatchObject({ commit: 4, discard: 0, action: 'checkpoint', delayMs: 0 });
    expect(step.state).toEqual({ plan: [4], failures: 0 });
  });

  it('checkpoints just before the lowest failed record and retries from it with backoff', () => {
    // Act
    const step = nextStep(INITIAL_RETRY_STATE, 10, { kind: 'partial', failedIndex: 3 }, policy());

    // Assess
    expect(step).toMatchObject({ commit: 3, discard: 0, action: 'retry', delayMs: 100 });
    expect(step.state).toEqual({ plan: [], failures: 1 });
  });

  it('retries only the rest of the batch after a partial failure when bisecting', () => {
    // Act
    const step = nextStep(
      INITIAL_RETRY_STATE,
      10,
      { kind: 'partial', failedIndex: 3 },
      policy({ bisectBatchOnFunctionError: true }),
    );

    // Assess
    expect(step.state.plan).toEqual([7]);
  });

  it('splits a failed batch in halves without using the retry quota', () => {
    // Act
    const step = nextStep(
      { plan: [], failures: 0 },
      5,
      { kind: 'error', message: 'boom' },
      policy({ bisectBatchOnFunctionError: true }),
    );

    // Assess
    expect(step).toMatchObject({ commit: 0, discard: 0, action: 'bisect', delayMs: 0 });
    expect(step.state).toEqual({ plan: [3, 2], failures: 0 });
  });

  it('retries the same batch after an error until the retry quota is spent, then discards it', () => {
    // Prepare
    const errored = { kind: 'error', message: 'boom' } as const;

    // Act
    const first = nextStep(INITIAL_RETRY_STATE, 4, errored, policy());
    const second = nextStep(first.state, 4, errored, policy());
    const third = nextStep(second.state, 4, errored, policy());

    // Assess
    expect([first.action, second.action, third.action]).toEqual(['retry', 'retry', 'discard']);
    expect(first.state.plan).toEqual([4]);
    expect([first.delayMs, second.delayMs]).toEqual([100, 200]);
    expect(third).toMatchObject({ commit: 0, discard: 4, state: { plan: [], failures: 0 } });
  });

  it('discards a single record at once when no retries are allowed', () => {
    // Act
    const step = nextStep(
      INITIAL_RETRY_STATE,
      1,
      { kind: 'error', message: 'boom' },
      policy({ maximumRetryAttempts: 0, bisectBatchOnFunctionError: true }),
    );

    // Assess
    expect(step).toMatchObject({ action: 'discard', discard: 1 });
  });

  it('discards the failed rest of a batch once a partially failing record exhausts its retries', () => {
    // Prepare
    const partial = { kind: 'partial', failedIndex: 0 } as const;
    const once = nextStep(
      { plan: [], failures: 0 },
      6,
      { kind: 'partial', failedIndex: 2 },
      policy({ maximumRetryAttempts: 1 }),
    );

    // Act
    const twice = nextStep(once.state, 4, partial, policy({ maximumRetryAttempts: 1 }));

    // Assess
    expect(once).toMatchObject({ commit: 2, action: 'retry', state: { failures: 1 } });
    expect(twice).toMatchObject({ commit: 0, discard: 4, action: 'discard' });
  });

  it('never exhausts retries when the quota is infinite (-1)', () => {
    // Act
    const step = nextStep(
      { plan: [1], failures: 10_000 },
      1,
      { kind: 'error', message: 'x' },
      policy({ maximumRetryAttempts: -1 }),
    );

    // Assess
    expect(step.action).toBe('retry');
  });

  it('caps the retry backoff at 30 s', () => {
    // Act
    const step = nextStep(
      { plan: [1], failures: 20 },
      1,
      { kind: 'error', message: 'x' },
      policy({ maximumRetryAttempts: -1, retryDelayMs: 1_000 }),
    );

    // Assess
    expect(step.delayMs).toBe(30_000);
  });
});

describe('plan and record age helpers', () => {
  it('removes discarded records from the front of the plan', () => {
    // Act & Assess
    expect(consumePlan([3, 2, 5], 4)).toEqual([1, 5]);
    expect(consumePlan([3, 2], 3)).toEqual([2]);
    expect(consumePlan([], 3)).toEqual([]);
  });

  it('counts the records older than the maximum age from the front', () => {
    // Act & Assess
    expect(expiredPrefixLength([1_000, 2_000, 9_000], 10_000, 5_000)).toBe(2);
    expect(expiredPrefixLength([1_000, 2_000], 10_000, 5_000)).toBe(2);
    expect(expiredPrefixLength([1_000, 2_000], 10_000, -1)).toBe(0);
  });
});
