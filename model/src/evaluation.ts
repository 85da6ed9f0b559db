/** Classification metrics of a test set: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix. */

/** Per-class figures; `precision` is 0 for a class never predicted, `recall` 0 for a class never present. */
export interface ClassScores {
  readonly label: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of true rows of this class. */
  readonly support: number;
}

/** What `metrics.json` reports about a set of predictions. */
export interface ClassificationReport {
  /** Share of rows whose predicted class equals the true class. */
  readonly accuracy: number;
  /** Unweighted mean F1 over the classes that occur in the truth or the predictions (scikit-learn's convention). */
  readonly macro_f1: number;
  readonly per_class: readonly ClassScores[];
  /** `matrix[t][p]`: rows of true class `labels[t]` predicted as `labels[p]`. */
  readonly confusion_matrix: {
    readonly labels: readonly number[];
    readonly matrix: readonly (readonly number[])[];
  };
}

/** Rounds to 6 decimals: plenty for 980 rows, and keeps metrics.json readable and stable. */
export const round6 = (value: number): number => Number(value.toFixed(6));

/**
 * Scores predictions against the truth.
 *
 * @param truth - true class index per row
 * @param predicted - predicted class index per row
 * @param labels - class labels, indexed by class index
 */
export function evaluate(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels: readonly number[],
): ClassificationReport {
  if (truth.length !== predicted.length) {
    throw new RangeError(`truth has ${truth.length} rows, predictions ${predicted.length}`);
  }
  const C = labels.length;
  const matrix = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = predicted[i] as number;
    (matrix[t] as number[])[p] = ((matrix[t] as number[])[p] as number) + 1;
  }
  return confusionReport(labels, matrix);
}

/**
 * The same report from counts alone: for predictions too many to hold (batch inference over a file of any size
 * counts (true, predicted) pairs as it goes).
 *
 * @param labels - class labels, indexed by class index
 * @param matrix - `matrix[t][p]`: rows of true class `labels[t]` predicted as `labels[p]`
 */
export function confusionReport(
  labels: readonly number[],
  matrix: readonly (readonly number[])[],
): ClassificationReport {
  const C = labels.length;
  let correct = 0;
  let total = 0;
  for (let t = 0; t < C; t++) {
    for (let p = 0; p < C; p++) {
      const count = matrix[t]?.[p] ?? 0;
      total += count;
      if (t === p) correct += count;
    }
  }
  const perClass = labels.map((label, c): ClassScores & { present: boolean } => {
    const tp = matrix[c]?.[c] ?? 0;
    const support = (matrix[c] ?? []).reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((sum, row) => sum + (row[c] ?? 0), 0);
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support, present: support > 0 || predictedCount > 0 };
  });
  const present = perClass.filter((scores) => scores.present);
  return {
    accuracy: round6(total === 0 ? 0 : correct / total),
    macro_f1: round6(present.reduce((sum, scores) => sum + scores.f1, 0) / Math.max(1, present.length)),
    per_class: perClass.map(({ label, precision, recall, f1, support }) => ({
      label,
      precision: round6(precision),
      recall: round6(recall),
      f1: round6(f1),
      support,
    })),
    confusion_matrix: { labels, matrix: matrix.map((row) => [...row]) },
  };
}

/** Share of equal entries. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return truth.length === 0 ? 0 : correct / truth.length;
}
