import {
  discordantPairs,
  mcnemarExact,
  pairedBootstrapInterval,
} from '../../../../scripts/lifecycle/statistics';

/** Per-row correctness lists with the given counts of (baseline, candidate) outcomes. */
function outcomes(counts: { both: number; baselineOnly: number; candidateOnly: number; neither: number }) {
  const baseline: boolean[] = [];
  const candidate: boolean[] = [];
  const add = (n: number, b: boolean, c: boolean) => {
    for (let i = 0; i < n; i++) {
      baseline.push(b);
      candidate.push(c);
    }
  };
  add(counts.both, true, true);
  add(counts.baselineOnly, true, false);
  add(counts.candidateOnly, false, true);
  add(counts.neither, false, false);
  return { baseline, candidate };
}

describe('paired statistics of the gate', () => {
  it('counts the rows only one of the two models got right', () => {
    // Prepare
    const { baseline, candidate } = outcomes({ both: 5, baselineOnly: 2, candidateOnly: 3, neither: 4 });

    // Act
    const pairs = discordantPairs(baseline, candidate);

    // Assess
    expect(pairs).toEqual({ baselineOnly: 2, candidateOnly: 3 });
  });

  it.each([
    // 2 · P(X ≤ 1), X ~ Bin(10, ½) = 2 · (1 + 10) / 1024
    [1, 9, 22 / 1024],
    // 2 · P(X = 0), X ~ Bin(5, ½) = 2 / 32
    [0, 5, 2 / 32],
    // 2 · P(X ≤ 3), X ~ Bin(6, ½) = 2 · 42 / 64 > 1, capped
    [3, 3, 1],
    // 2 · P(X ≤ 2), X ~ Bin(12, ½) = 2 · (1 + 12 + 66) / 4096
    [10, 2, 158 / 4096],
    [0, 0, 1],
  ])(
    'gives the exact McNemar p-value for %i against %i discordant rows',
    (baselineOnly, candidateOnly, expected) => {
      // Act
      const p = mcnemarExact({ baselineOnly, candidateOnly });

      // Assess
      expect(p).toBeCloseTo(expected, 12);
    },
  );

  it('stays accurate for thousands of discordant rows', () => {
    // Act: 2 · P(X ≤ 1000), X ~ Bin(2000, ½) = 1 + P(X = 1000) > 1, capped; one fewer on one side is not
    const tied = mcnemarExact({ baselineOnly: 1000, candidateOnly: 1000 });
    const lopsided = mcnemarExact({ baselineOnly: 900, candidateOnly: 1100 });

    // Assess: the normal approximation of the second gives z = 200 / √2000 ≈ 4.47, p ≈ 7.8e-6
    expect(tied).toBe(1);
    expect(lopsided).toBeGreaterThan(5e-6);
    expect(lopsided).toBeLessThan(1.2e-5);
  });

  it('collapses the bootstrap interval to the difference when every row moves the same way', () => {
    // Prepare
    const { baseline, candidate } = outcomes({ both: 0, baselineOnly: 0, candidateOnly: 50, neither: 0 });

    // Act
    const interval = pairedBootstrapInterval(baseline, candidate);

    // Assess
    expect(interval).toEqual({ low: 1, high: 1 });
  });

  it('gives the same interval for the same rows and seed, around the observed difference', () => {
    // Prepare: difference 0.05 over 400 rows
    const { baseline, candidate } = outcomes({
      both: 200,
      baselineOnly: 30,
      candidateOnly: 50,
      neither: 120,
    });

    // Act
    const first = pairedBootstrapInterval(baseline, candidate);
    const second = pairedBootstrapInterval(baseline, candidate);

    // Assess: the paired standard error is √(80/400 − 0.05²)/√400 ≈ 0.0222, so ±1.96 SE ≈ ±0.0435
    expect(second).toEqual(first);
    expect(first.low).toBeLessThan(0.05);
    expect(first.high).toBeGreaterThan(0.05);
    expect(first.high - first.low).toBeGreaterThan(0.07);
    expect(first.high - first.low).toBeLessThan(0.105);
  });
});
