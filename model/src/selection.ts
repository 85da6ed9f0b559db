/**
 * Model selection: stratified k-fold cross-validation of a small hyperparameter grid on the training part only (the
 * test part is never looked at), choosing the candidate with the best mean fold accuracy among those whose model file
 * fits the size budget.
 */
import { subset, type Dataset } from './data/dataset';
import { TrainingError } from './errors';
import { accuracy, round6 } from './evaluation';
import { buildTreesInline, predictClassByTreeCount, trainForest, type TreeBuilder } from './forest/forest';
import { presort } from './forest/presort';
import type { ForestKind, ForestParams } from './forest/types';
import { deriveSeed } from './random';
import { complement, stratifiedFolds } from './split';

/** The values tried for each hyperparameter; candidates are their cross product. */
export interface SearchGrid {
  readonly kind: readonly ForestKind[];
  /** Tree counts; evaluated on prefixes of one forest, so the largest costs no more than all of them. */
  readonly trees: readonly number[];
  readonly max_features: readonly number[];
  readonly min_leaf: readonly number[];
}

/** The size budget of the exported model, used to rule out candidates before the final fit. */
export interface ModelBudget {
  /** Largest accepted estimated `model.onnx` size. */
  readonly max_bytes: number;
  /** Bytes one tree node takes in the ONNX file (measured on the reference runs: 24–26). */
  readonly bytes_per_node: number;
}

/** A candidate's fold accuracies (fold order) with their mean and sample standard deviation. */
export interface CandidateScore {
  readonly params: ForestParams;
  readonly mean: number;
  readonly sd: number;
  readonly folds: readonly number[];
  /**
   * Estimated size of the final model: the fold forests' mean node count per tree, scaled from the fold's training
   * rows to all training rows (a fully grown tree's node count grows about linearly with its rows), times the trees
   * and {@link ModelBudget.bytes_per_node}.
   */
  readonly estimated_bytes: number;
}

/** The outcome of the search, as recorded in `metrics.json`. */
export interface CrossValidation {
  readonly folds: number;
  readonly metric: 'accuracy';
  readonly grid: SearchGrid;
  readonly budget: ModelBudget;
  /** Validation rows per fold. */
  readonly fold_sizes: readonly number[];
  readonly candidates: readonly CandidateScore[];
  readonly selected: CandidateScore;
}

/** Progress callback: one human-readable line per finished step. */
export type ProgressLog = (line: string) => void;

/** The grid's candidates in a fixed order (kind, max features, min leaf, then trees ascending). */
export function candidates(grid: SearchGrid): ForestParams[] {
  const trees = [...grid.trees].sort((a, b) => a - b);
  return grid.kind.flatMap((kind) =>
    grid.max_features.flatMap((maxFeatures) =>
      grid.min_leaf.flatMap((minLeaf) =>
        trees.map((count) => ({ kind, trees: count, max_features: maxFeatures, min_leaf: minLeaf })),
      ),
    ),
  );
}

/** The best candidate (highest mean; the earlier one on ties) within the budget. */
export function selectCandidate(scores: readonly CandidateScore[], budget: ModelBudget): CandidateScore {
  const affordable = scores.filter((score) => score.estimated_bytes <= budget.max_bytes);
  const [first, ...rest] = affordable;
  if (first === undefined) {
    throw new TrainingError(`no candidate fits the model budget of ${budget.max_bytes} bytes`);
  }
  return rest.reduce((best, candidate) => (candidate.mean > best.mean ? candidate : best), first);
}

const describe = (p: ForestParams): string =>
  `${p.kind} max_features=${p.max_features} min_leaf=${p.min_leaf}`;
const key = (p: ForestParams): string => `${p.kind}/${p.max_features}/${p.min_leaf}/${p.trees}`;

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * Cross-validates every candidate of `grid` on `train` and selects one with {@link selectCandidate}. Fold `f`'s
 * forests are seeded with `deriveSeed(seed, 100 + f)`.
 *
 * @param log - receives one line per fold and candidate group, so long searches show progress
 * @throws {@link TrainingError} when no candidate fits the budget
 */
export async function crossValidate(
  train: Dataset,
  grid: SearchGrid,
  k: number,
  seed: number,
  budget: ModelBudget,
  build: TreeBuilder = buildTreesInline,
  log: ProgressLog = () => undefined,
): Promise<CrossValidation> {
  const folds = stratifiedFolds(train.y, k, seed);
  const all = candidates(grid);
  const treeCounts = [...new Set(grid.trees)].sort((a, b) => a - b);
  const maxTrees = treeCounts[treeCounts.length - 1] ?? 0;
  const accuracies = new Map<string, number[]>(all.map((params) => [key(params), []]));
  const nodesPerTree = new Map<string, number[]>(all.map((params) => [key(params), []]));
  const groups = all.filter((params) => params.trees === treeCounts[0]);

  for (const [f, fold] of folds.entries()) {
    const fitRows = complement(train.rows, fold);
    const fit = presort(subset(train, fitRows));
    const validation = subset(train, fold);
    const scale = train.rows / fitRows.length;
    for (const group of groups) {
      const started = performance.now();
      const forest = await trainForest(fit, { ...group, trees: maxTrees }, deriveSeed(seed, 100 + f), build);
      const predictions = predictClassByTreeCount(forest, validation.x, validation.rows, treeCounts);
      const figures = treeCounts.map((count, t) => {
        const params = { ...group, trees: count };
        const score = accuracy(validation.y, predictions[t] as Uint8Array);
        const nodes = forest.trees.slice(0, count).reduce((sum, tree) => sum + tree.feature.length, 0);
        accuracies.get(key(params))?.push(round6(score));
        nodesPerTree.get(key(params))?.push((nodes / count) * scale);
        return `${count} trees ${score.toFixed(3)}`;
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      log(`fold ${f + 1}/${k}: ${describe(group)}: accuracy ${figures.join(', ')} (${seconds} s)`);
    }
  }

  const results: CandidateScore[] = all.map((params) => {
    const foldScores = accuracies.get(key(params)) ?? [];
    const { mean, sd } = meanSd(foldScores);
    const nodes = meanSd(nodesPerTree.get(key(params)) ?? []).mean;
    return {
      params,
      mean: round6(mean),
      sd: round6(sd),
      folds: foldScores,
      estimated_bytes: Math.round(nodes * params.trees * budget.bytes_per_node),
    };
  });
  return {
    folds: k,
    metric: 'accuracy',
    grid,
    budget,
    fold_sizes: folds.map((fold) => fold.length),
    candidates: results,
    selected: selectCandidate(results, budget),
  };
}
