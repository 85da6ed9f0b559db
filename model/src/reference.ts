/** Builds `reference.json` (see `referenceSchema` in `contract.ts`) and assigns values to its bins. */
import type { ModelReference, UciFeature } from './contract';
import type { WineTable } from './data/csv';
import { round6 } from './evaluation';

/** Deciles: the bin count `reference.json` asks for. */
export const REFERENCE_BINS = 10;

/**
 * The bin of `value` given ascending interior edges `cuts`: the number of edges strictly below it, so bin `k` holds
 * `cuts[k-1] < value <= cuts[k]`. A drift monitor bins live values with this same rule.
 */
export function binIndex(cuts: readonly number[], value: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ascending unique interior edges at the `k/bins` quantiles (lower-value convention: the value at rank ⌈qn⌉). */
export function quantileCuts(sortedValues: Float64Array, bins: number): number[] {
  const n = sortedValues.length;
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const value = sortedValues[Math.max(0, Math.ceil((k / bins) * n) - 1)] as number;
    // An edge at the maximum would leave the last bin empty forever: skip it.
    if (value < (sortedValues[n - 1] as number) && cuts[cuts.length - 1] !== value) cuts.push(value);
  }
  return cuts;
}

/**
 * The reference distribution of the training rows `rows` of `table`.
 *
 * @param rows - indices of the training rows in `table`
 */
export function buildReference(
  table: WineTable,
  rows: ArrayLike<number>,
  features: readonly UciFeature[],
  classes: readonly number[],
  identity: { runId: string; featureSet: string },
): ModelReference {
  const n = rows.length;
  const featureStats = features.map((name) => {
    const column = table.columns[name];
    const values = Float64Array.from({ length: n }, (_, i) => column[rows[i] as number] as number).sort();
    const cuts = quantileCuts(values, REFERENCE_BINS);
    const counts = new Array<number>(cuts.length + 1).fill(0);
    let sum = 0;
    for (const value of values) {
      const bin = binIndex(cuts, value);
      counts[bin] = (counts[bin] as number) + 1;
      sum += value;
    }
    const mean = sum / n;
    let squares = 0;
    for (const value of values) squares += (value - mean) ** 2;
    return {
      name,
      min: values[0] as number,
      max: values[n - 1] as number,
      mean: round6(mean),
      std: round6(Math.sqrt(squares / Math.max(1, n - 1))),
      cuts,
      shares: counts.map((count) => round6(count / n)),
    };
  });
  const labelCounts = classes.map((label) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (table.quality[rows[i] as number] === label) count++;
    return { label, share: round6(count / n) };
  });
  return {
    run_id: identity.runId,
    feature_set: identity.featureSet,
    rows: n,
    bins: REFERENCE_BINS,
    features: featureStats,
    classes: labelCounts,
  };
}
