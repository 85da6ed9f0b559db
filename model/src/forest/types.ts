/** Shapes shared by the tree learner, the forest, the worker pool and the ONNX exporter. */

/**
 * The ensemble kind. `random-forest`: each tree sees a bootstrap sample and takes the best threshold of each candidate
 * feature (Breiman 2001). `extra-trees`: each tree sees every row once and draws one random threshold per candidate
 * feature (Geurts et al. 2006).
 */
export type ForestKind = 'random-forest' | 'extra-trees';

/** Hyperparameters of one tree. */
export interface TreeParams {
  readonly kind: ForestKind;
  /** Candidate features per split (non-constant ones are drawn until this many were tried). */
  readonly max_features: number;
  /** Minimum number of training samples (bootstrap duplicates included) in each leaf. */
  readonly min_leaf: number;
}

/** Hyperparameters of a forest: the tree parameters plus the number of trees. */
export interface ForestParams extends TreeParams {
  readonly trees: number;
}

/**
 * One binary decision tree in flat arrays, node 0 the root. An internal node sends a row left when
 * `x[feature] <= threshold` (ONNX `BRANCH_LEQ`), right otherwise. Thresholds are float32 values, so comparing a float32
 * input against them gives the same branch in JavaScript and in the ONNX runtime.
 */
export interface Tree {
  /** Feature index per node; -1 at leaves. */
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** Child node ids; -1 at leaves. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf number per node (row of `values`); -1 at internal nodes. */
  readonly leaf: Int32Array;
  /** Class distribution of the training samples per leaf: `values[leaf * classes + c]`, each row sums to 1. */
  readonly values: Float64Array;
}

/** A trained classifier over float32 rows of `features.length` columns. */
export interface Forest {
  readonly featureCount: number;
  readonly classCount: number;
  readonly params: ForestParams;
  readonly trees: readonly Tree[];
}
