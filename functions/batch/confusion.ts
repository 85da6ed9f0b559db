/**
 * Label counts of a labelled batch file, kept as a sparse confusion matrix: memory grows with the number of distinct
 * (true, predicted) label pairs, never with the number of rows. The metrics themselves (accuracy, macro-F1) are the
 * model package's (`confusionReport` in model/index.ts), computed from these counts by the CLI.
 */

/** `matrix[t][p]`: rows whose true label is `labels[t]` and predicted label `labels[p]`. */
export interface ConfusionMatrix {
  readonly labels: readonly number[];
  readonly matrix: readonly (readonly number[])[];
}

/** Counts (true label, predicted label) pairs. */
export class ConfusionCounts {
  readonly #counts = new Map<number, Map<number, number>>();
  #total = 0;

  /** Rows counted. */
  get total(): number {
    return this.#total;
  }

  add(truth: number, predicted: number): void {
    let row = this.#counts.get(truth);
    if (row === undefined) {
      row = new Map();
      this.#counts.set(truth, row);
    }
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    this.#total++;
  }

  /**
   * The dense matrix over every label seen as truth or prediction, plus `alsoLabels` (the model's classes, so a class
   * never seen still gets its row and column), sorted ascending.
   */
  toMatrix(alsoLabels: readonly number[] = []): ConfusionMatrix {
    const seen = new Set<number>(alsoLabels);
    for (const [truth, row] of this.#counts) {
      seen.add(truth);
      for (const predicted of row.keys()) seen.add(predicted);
    }
    const labels = [...seen].sort((a, b) => a - b);
    const matrix = labels.map((truth) =>
      labels.map((predicted) => this.#counts.get(truth)?.get(predicted) ?? 0),
    );
    return { labels, matrix };
  }
}
