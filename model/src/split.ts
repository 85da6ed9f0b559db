/**
 * Stratified splitting: a train/test split and k-fold cross-validation folds that keep each class's share, driven by a
 * seeded generator so the same seed always gives the same rows.
 */
import { TrainingError } from './errors';
import { createRandom, deriveSeed, shuffle } from './random';

/** Row indices (into the labels given), each list ascending. */
export interface TrainTestSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function byClass(labels: ArrayLike<number>): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    (groups[label] ??= []).push(i);
  }
  return groups.filter((group) => group.length > 0);
}

const ascending = (values: number[]): Int32Array => Int32Array.from(values).sort();

/**
 * Splits rows so that the test part holds `round(n × testFraction)` rows and every class contributes its share
 * (largest-remainder rounding, so the total is exact). Each class keeps at least one training row.
 *
 * @param labels - class index per row
 * @throws {@link TrainingError} for a fraction outside (0, 1)
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testFraction: number,
  seed: number,
): TrainTestSplit {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new TrainingError(`test fraction must be in (0, 1), got ${testFraction}`);
  }
  const groups = byClass(labels);
  const target = Math.round(labels.length * testFraction);
  const exact = groups.map((group) => group.length * testFraction);
  const counts = exact.map(Math.floor);
  let missing = target - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, g) => ({ g, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.g - b.g);
  for (const { g } of order) {
    if (missing <= 0) break;
    if ((counts[g] as number) + 1 < (groups[g] as number[]).length) {
      counts[g] = (counts[g] as number) + 1;
      missing--;
    }
  }
  const rng = createRandom(deriveSeed(seed, 0));
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((group, g) => {
    const shuffled = shuffle([...group], rng);
    const k = counts[g] as number;
    test.push(...shuffled.slice(0, k));
    train.push(...shuffled.slice(k));
  });
  return { train: ascending(train), test: ascending(test) };
}

/**
 * Stratified k-fold: returns, for each fold, the (ascending) indices of its validation rows. The folds are disjoint and
 * together cover every row; each class is dealt round-robin so fold sizes differ by at most one.
 *
 * @throws {@link TrainingError} when `k < 2` or there are fewer rows than folds
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array[] {
  if (!Number.isInteger(k) || k < 2)
    throw new TrainingError(`number of folds must be an integer ≥ 2, got ${k}`);
  if (labels.length < k) throw new TrainingError(`cannot make ${k} folds from ${labels.length} rows`);
  const rng = createRandom(deriveSeed(seed, 1));
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const group of byClass(labels)) {
    for (const row of shuffle([...group], rng)) {
      (folds[next] as number[]).push(row);
      next = (next + 1) % k;
    }
  }
  return folds.map(ascending);
}

/** The complement of `fold` in `0 … n-1`, ascending. */
export function complement(n: number, fold: Int32Array): Int32Array {
  const out = new Int32Array(n - fold.length);
  let j = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (j < fold.length && fold[j] === i) j++;
    else out[o++] = i;
  }
  return out;
}
