/**
 * Turns a parsed table into what the learner consumes: a float32 feature matrix in the model's input order and class
 * indices. Values are rounded to float32 here, once, because the ONNX runtime only ever sees float32 inputs: training on
 * the same values is what makes float32 split thresholds reproduce exactly.
 */
import type { UciFeature } from '../contract';
import { TrainingError } from '../errors';
import type { WineTable } from './csv';

/** A labelled sample set. Row `i`, feature `j` is `x[i * features.length + j]`; `y[i]` indexes `classes`. */
export interface Dataset {
  readonly features: readonly UciFeature[];
  /** Class labels (wine quality scores), ascending. */
  readonly classes: readonly number[];
  readonly x: Float32Array;
  readonly y: Uint8Array;
  readonly rows: number;
}

/**
 * Builds a {@link Dataset} from a table with the given input features (in this order) and the quality label.
 *
 * @param classes - the label set to use; defaults to the labels present, ascending
 * @throws {@link TrainingError} if a row's label is not in `classes`
 */
export function toDataset(
  table: WineTable,
  features: readonly UciFeature[],
  classes?: readonly number[],
): Dataset {
  const labels = classes ?? [...new Set(table.quality)].sort((a, b) => a - b);
  const index = new Map(labels.map((label, i) => [label, i]));
  const f = features.length;
  const x = new Float32Array(table.rows * f);
  const y = new Uint8Array(table.rows);
  features.forEach((name, j) => {
    const column = table.columns[name];
    for (let i = 0; i < table.rows; i++) x[i * f + j] = column[i] as number;
  });
  for (let i = 0; i < table.rows; i++) {
    const classIndex = index.get(table.quality[i] as number);
    if (classIndex === undefined) {
      throw new TrainingError(
        `row ${i} has quality ${table.quality[i]}, which is not one of ${labels.join(', ')}`,
      );
    }
    y[i] = classIndex;
  }
  return { features, classes: labels, x, y, rows: table.rows };
}

/** The rows `indices` of `data`, in that order. */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const f = data.features.length;
  const x = new Float32Array(indices.length * f);
  const y = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    x.set(data.x.subarray(i * f, i * f + f), k * f);
    y[k] = data.y[i] as number;
  }
  return { features: data.features, classes: data.classes, x, y, rows: indices.length };
}
