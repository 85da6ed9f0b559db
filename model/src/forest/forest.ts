/**
 * A random forest (or extra-trees) classifier: independent trees, each grown with its own seed derived from the run's
 * seed and the tree's index, so building trees in any order or on any worker gives the same forest.
 *
 * Scoring follows the ONNX `TreeEnsembleClassifier` the forest is exported to (aggregate SUM, no post-transform):
 * each leaf votes `float32(p_c / trees)` per class and the votes are summed in float32, tree by tree. Doing the same
 * arithmetic here is what lets the parity check demand identical labels, ties included.
 */
import { deriveSeed } from '../random';
import type { PresortedData } from './presort';
import { buildTree, leafOf } from './tree';
import type { Forest, ForestParams, Tree } from './types';

/** Builds the trees with the given indices; a worker pool implements the same signature in parallel. */
export type TreeBuilder = (
  data: PresortedData,
  params: ForestParams,
  seed: number,
  indices: readonly number[],
) => Promise<Tree[]>;

/** The seed of tree `index` of a forest trained with `seed`. */
export const treeSeed = (seed: number, index: number): number => deriveSeed(seed, 1000 + index);

/** Builds trees one after another on this thread. */
export const buildTreesInline: TreeBuilder = (data, params, seed, indices) =>
  Promise.resolve(indices.map((index) => buildTree(data, params, treeSeed(seed, index))));

/**
 * Trains a forest.
 *
 * @param build - how to build the trees (inline by default; pass a worker pool's builder to use more cores)
 * @example
 * const forest = await trainForest(presort(train), { kind: 'random-forest', trees: 100,
 *   max_features: 3, min_leaf: 1 }, 42);
 */
export async function trainForest(
  data: PresortedData,
  params: ForestParams,
  seed: number,
  build: TreeBuilder = buildTreesInline,
): Promise<Forest> {
  const indices = Array.from({ length: params.trees }, (_, i) => i);
  const trees = await build(data, params, seed, indices);
  return { featureCount: data.featureCount, classCount: data.classCount, params, trees };
}

/** The float32 vote of every leaf of `tree` when the forest has `treeCount` trees (what the ONNX graph stores). */
export function leafVotes(tree: Tree, treeCount: number): Float32Array {
  const votes = new Float32Array(tree.values.length);
  for (let k = 0; k < votes.length; k++) votes[k] = (tree.values[k] as number) / treeCount;
  return votes;
}

/**
 * Class probabilities of `rows` float32 rows (`x` row-major), computed as the ONNX runtime computes them.
 *
 * @returns `rows × classCount` values, row-major; column `c` is class index `c`
 */
export function predictProba(forest: Forest, x: Float32Array, rows: number): Float32Array {
  const { featureCount: F, classCount: C, trees } = forest;
  const out = new Float32Array(rows * C);
  for (const tree of trees) {
    const votes = leafVotes(tree, trees.length);
    for (let i = 0; i < rows; i++) {
      const leaf = leafOf(tree, x, i * F);
      for (let c = 0; c < C; c++) {
        const vote = votes[leaf * C + c] as number;
        // Leaves without a vote for a class store no weight in ONNX; adding 0 is a no-op either way.
        if (vote !== 0) out[i * C + c] = Math.fround((out[i * C + c] as number) + vote);
      }
    }
  }
  return out;
}

/** Index of the largest value in `row` (the first one on ties, as the ONNX runtime does). */
export function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) {
    if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
  }
  return best;
}

/** Predicted class index per row. */
export function predictClass(forest: Forest, x: Float32Array, rows: number): Uint8Array {
  const proba = predictProba(forest, x, rows);
  const C = forest.classCount;
  return Uint8Array.from({ length: rows }, (_, i) => argmax(proba, i * C, C));
}

/**
 * Predicted class per row using only the first `k` trees, for every `k` in `treeCounts` — one pass for a whole
 * "number of trees" grid, since a forest's first `k` trees are exactly the forest trained with `trees = k`.
 *
 * @returns one class-index array per entry of `treeCounts`
 */
export function predictClassByTreeCount(
  forest: Forest,
  x: Float32Array,
  rows: number,
  treeCounts: readonly number[],
): Uint8Array[] {
  const { featureCount: F, classCount: C, trees } = forest;
  const sums = new Float64Array(rows * C);
  const results = new Map<number, Uint8Array>();
  trees.forEach((tree, t) => {
    for (let i = 0; i < rows; i++) {
      const leaf = leafOf(tree, x, i * F);
      for (let c = 0; c < C; c++) {
        sums[i * C + c] = (sums[i * C + c] as number) + (tree.values[leaf * C + c] as number);
      }
    }
    if (treeCounts.includes(t + 1)) {
      results.set(
        t + 1,
        Uint8Array.from({ length: rows }, (_, i) => argmax(sums, i * C, C)),
      );
    }
  });
  return treeCounts.map((k) => {
    const result = results.get(k);
    if (result === undefined) throw new RangeError(`forest has ${trees.length} trees, asked for ${k}`);
    return result;
  });
}
