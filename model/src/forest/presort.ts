/**
 * The per-training-set preparation every tree of a forest shares: column-major values and, per feature, the row order
 * by value. Sorting once per training set (instead of per node) is what makes the learner fast.
 */
import type { Dataset } from '../data/dataset';

/** A training set laid out for the tree learner. Transferable to worker threads as plain typed arrays. */
export interface PresortedData {
  readonly rows: number;
  readonly featureCount: number;
  readonly classCount: number;
  /** `columns[f * rows + i]`: feature `f` of row `i`. */
  readonly columns: Float32Array;
  readonly y: Uint8Array;
  /** `order[f * rows + k]`: the row with the k-th smallest value of feature `f` (ties by row index). */
  readonly order: Int32Array;
}

/** Builds the {@link PresortedData} of a dataset. */
export function presort(data: Dataset): PresortedData {
  const n = data.rows;
  const f = data.features.length;
  const columns = new Float32Array(f * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) columns[j * n + i] = data.x[i * f + j] as number;
  }
  const order = new Int32Array(f * n);
  const rows = Array.from({ length: n }, (_, i) => i);
  for (let j = 0; j < f; j++) {
    const base = j * n;
    rows.sort((a, b) => (columns[base + a] as number) - (columns[base + b] as number) || a - b);
    order.set(rows, base);
  }
  return { rows: n, featureCount: f, classCount: data.classes.length, columns, y: data.y, order };
}
