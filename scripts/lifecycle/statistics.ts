/**
 * The paired statistics of the promotion gate: both models score the same rows, so each row says "only the baseline
 * was right", "only the candidate was right" or neither. Hand-written because they are a few lines each and no
 * statistics package is among this project's dependencies; the unit tests check them against hand-computed values.
 */
import { createRandom } from '../../model';

/** The rows on which exactly one of the two models was right. */
export interface Discordant {
  /** Baseline right, candidate wrong. */
  readonly baselineOnly: number;
  /** Candidate right, baseline wrong. */
  readonly candidateOnly: number;
}

/** Counts the discordant rows of two per-row correctness lists of equal length. */
export function discordantPairs(
  baselineCorrect: readonly boolean[],
  candidateCorrect: readonly boolean[],
): Discordant {
  let baselineOnly = 0;
  let candidateOnly = 0;
  baselineCorrect.forEach((baseline, i) => {
    const candidate = candidateCorrect[i] === true;
    if (baseline && !candidate) baselineOnly++;
    if (candidate && !baseline) candidateOnly++;
  });
  return { baselineOnly, candidateOnly };
}

/**
 * Exact (binomial) McNemar test, two-sided: under "both models are equally accurate" each discordant row is a fair
 * coin, so p = min(1, 2 · P(X ≤ min(b, c))) with X ~ Binomial(b + c, ½). No discordant rows: p = 1.
 *
 * @example
 * mcnemarExact({ baselineOnly: 1, candidateOnly: 9 }); // 22 / 1024 = 0.021484375
 */
export function mcnemarExact({ baselineOnly: b, candidateOnly: c }: Discordant): number {
  const n = b + c;
  if (n === 0) return 1;
  // Summed in log space: C(n, k) / 2^n underflows doubles for n in the thousands.
  const logHalf = n * Math.log(0.5);
  let logCoefficient = 0; // log C(n, 0)
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); k++) {
    if (k > 0) logCoefficient += Math.log(n - k + 1) - Math.log(k);
    tail += Math.exp(logCoefficient + logHalf);
  }
  return Math.min(1, 2 * tail);
}

/** A confidence interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Settings of {@link pairedBootstrapInterval}. */
export interface BootstrapOptions {
  /** Resamples (default 2000). */
  readonly resamples?: number;
  /** Coverage (default 0.95). */
  readonly level?: number;
  /** Seed of the resampling: the same rows always give the same interval. */
  readonly seed?: number;
}

/** Defaults of the gate's bootstrap. */
export const BOOTSTRAP_DEFAULTS = { resamples: 2000, level: 0.95, seed: 20_240_601 } as const;

/**
 * Paired bootstrap percentile interval of the accuracy difference (candidate − baseline): rows are resampled with
 * replacement, keeping each row's pair of outcomes together, and the interval is the central `level` of the resampled
 * differences. Seeded, so it is deterministic.
 */
export function pairedBootstrapInterval(
  baselineCorrect: readonly boolean[],
  candidateCorrect: readonly boolean[],
  options: BootstrapOptions = {},
): Interval {
  const { resamples, level, seed } = { ...BOOTSTRAP_DEFAULTS, ...options };
  const n = baselineCorrect.length;
  if (n === 0) return { low: 0, high: 0 };
  const difference = Int8Array.from(
    baselineCorrect,
    (baseline, i) => Number(candidateCorrect[i] === true) - Number(baseline),
  );
  const random = createRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += difference[random.int(n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return {
    low: means[Math.floor(tail * resamples)] as number,
    high: means[Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1)] as number,
  };
}
