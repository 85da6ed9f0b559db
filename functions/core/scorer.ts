/** A batch of feature rows in one row-major float32 buffer: row i, column j is `data[i * columns + j]`. */
export interface FeatureBatch {
  readonly data: Float32Array;
  readonly rows: number;
  readonly columns: number;
}

/** A scorer's output for a {@link FeatureBatch} of N rows and a model of C classes. */
export interface Scores {
  /** N predicted class labels (the labels themselves, not column indices). */
  readonly labels: ArrayLike<number>;
  /** N×C class probabilities, row-major, columns in the order of the model's `classes`. */
  readonly probabilities: ArrayLike<number>;
}

/**
 * Scores a whole batch in one call. Implementations: the ONNX adapter (one `session.run`), fakes in tests.
 * A failure throws: the core lets it fail the whole batch, so Lambda retries or bisects it.
 */
export interface Scorer {
  score(batch: FeatureBatch): Promise<Scores>;
}
