import type { FeatureBatch } from '../scorer';
import type { DriftReference } from './reference';

/** Class index of a label that is not one of the model's classes (never counted). */
export const UNKNOWN_CLASS = 255;

/**
 * The bin of `value` among ascending cut points `cuts[from]` … `cuts[to - 1]`: the number of those cuts strictly
 * below it (the rule of `referenceSchema`): bin 0 holds `value <= cuts[0]`, bin k holds `cuts[k-1] < value <=
 * cuts[k]`, the last bin holds everything above the last cut. Values below the training minimum fall in bin 0, above
 * the maximum in the last bin. A linear scan: with ≤ 10 cuts it beats a binary search.
 *
 * @example
 * binOf(Float64Array.of(9, 9.4), 0, 2, 9); // 0 — equal to a cut: the lower bin
 * binOf(Float64Array.of(9, 9.4), 0, 2, 9.2); // 1
 * binOf(Float64Array.of(9, 9.4), 0, 2, 20); // 2
 */
export function binOf(cuts: Float64Array, from: number, to: number, value: number): number {
  let k = from;
  while (k < to && (cuts[k] as number) < value) k++;
  return k - from;
}

/**
 * The bin of every value of a scored batch: `bins[i * F + j]` is the bin of row i's feature j (the tensor's layout),
 * each feature against its own cut points.
 *
 * @param batch - the `[N, F]` tensor the scorer received; its columns are the reference's features, in order
 */
export function assignBins(reference: DriftReference, batch: FeatureBatch): Uint8Array {
  const { data, columns } = batch;
  const { cuts, cutOffsets } = reference;
  if (columns !== reference.features.length) {
    throw new RangeError(
      `batch has ${columns} columns, the drift reference ${reference.features.length} features`,
    );
  }
  const bins = new Uint8Array(data.length);
  for (let j = 0; j < columns; j++) {
    const from = cutOffsets[j] as number;
    const to = cutOffsets[j + 1] as number;
    for (let i = j; i < data.length; i += columns) bins[i] = binOf(cuts, from, to, data[i] as number);
  }
  return bins;
}

/** The position of each predicted label in the reference's classes ({@link UNKNOWN_CLASS} for any other label). */
export function assignClasses(
  reference: DriftReference,
  labels: ArrayLike<number>,
  rows: number,
): Uint8Array {
  const index = new Map(reference.classes.map((label, position) => [label, position]));
  const classes = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) classes[row] = index.get(labels[row] as number) ?? UNKNOWN_CLASS;
  return classes;
}

/** Live bin counts of every feature, laid out like {@link DriftReference.shares}, plus predicted-class counts. */
export interface BinCounts {
  /** Records per bin; feature j's bins start at `reference.binOffsets[j]`. */
  readonly features: Uint32Array;
  /** Predictions per class, in the order of `reference.classes`. */
  readonly classes: Uint32Array;
  /** Records counted. */
  readonly records: number;
}

/**
 * Adds assigned bins and classes (from {@link assignBins} / {@link assignClasses}) to counts, or subtracts them
 * with `sign = -1`.
 *
 * @param rows - which rows of `bins` / `classes` to add: `[start, end)`
 */
export function tally(
  reference: DriftReference,
  counts: { readonly features: Uint32Array; readonly classes: Uint32Array },
  bins: Uint8Array,
  classes: Uint8Array,
  rows: { readonly start: number; readonly end: number },
  sign: 1 | -1 = 1,
): void {
  const columns = reference.features.length;
  const { binOffsets } = reference;
  for (let row = rows.start; row < rows.end; row++) {
    const base = row * columns;
    for (let j = 0; j < columns; j++) {
      const bin = (binOffsets[j] as number) + (bins[base + j] as number);
      counts.features[bin] = (counts.features[bin] as number) + sign;
    }
    const c = classes[row] as number;
    if (c !== UNKNOWN_CLASS) counts.classes[c] = (counts.classes[c] as number) + sign;
  }
}

/**
 * Counts a scored batch into the reference's bins: every column of the tensor the model was given, and the predicted
 * labels (one per row).
 *
 * @param batch - the `[N, F]` tensor the scorer received; its columns are the reference's features, in order
 * @param labels - the predicted class label of each row
 * @example
 * const counts = countBins(reference, batch, scores.labels);
 * populationStabilityIndex(featureShares(reference, 0), counts.features, reference.binOffsets[0]);
 */
export function countBins(
  reference: DriftReference,
  batch: FeatureBatch,
  labels: ArrayLike<number>,
): BinCounts {
  const counts = {
    features: new Uint32Array(reference.totalBins),
    classes: new Uint32Array(reference.classes.length),
  };
  const bins = assignBins(reference, batch);
  const classes = assignClasses(reference, labels, batch.rows);
  tally(reference, counts, bins, classes, { start: 0, end: batch.rows });
  return { ...counts, records: batch.rows };
}

/**
 * Records per bin of every feature of a tensor, laid out like {@link DriftReference.shares} (for reports, which read
 * inputs and predictions from different streams).
 */
export function countFeatureBins(reference: DriftReference, batch: FeatureBatch): Uint32Array {
  const counts = new Uint32Array(reference.totalBins);
  const bins = assignBins(reference, batch);
  const { binOffsets } = reference;
  for (let i = 0; i < bins.length; i++) {
    const bin = (binOffsets[i % batch.columns] as number) + (bins[i] as number);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Predictions per class of the reference (in its order); labels outside the model's classes are not counted. */
export function countClasses(reference: DriftReference, labels: ArrayLike<number>): Uint32Array {
  const counts = new Uint32Array(reference.classes.length);
  const classes = assignClasses(reference, labels, labels.length);
  for (const c of classes) if (c !== UNKNOWN_CLASS) counts[c] = (counts[c] as number) + 1;
  return counts;
}
