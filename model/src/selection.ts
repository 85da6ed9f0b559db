/**
 * Model selection: stratified k-fold cross-validation of a small hyperparameter grid on the training part only (the
 * test part is never looked at), choosing the candidate with the best mean fold accuracy.
 */
import { subset, type Dataset } from './data/dataset';
import { round6 } from './evaluation';
import { buildTreesInline, predictClassByTreeCount, trainForest, type TreeBuilder } from './forest/forest';
import { presort } from './forest/presort';
import type { ForestKind, ForestParams } from './forest/types';
import { deriveSeed } from './random';
import { complement, stratifiedFolds } from './split';
import { accuracy } from './evaluation';

/** The values tried for each hyperparameter; candidates are their cross product. */
export interface SearchGrid {
  readonly kind: readonly ForestKind[];
  /** Tree counts; evaluated on prefixes of one forest, so the largest costs no more than all of them. */
  readonly trees: readonly number[];
  readonly maxFeatures: readonly number[];
  readonly minLeaf: readonly number[];
}

/** A candidate's fold accuracies (fold order) with their mean and sample standard deviation. */
export interface CandidateScore {
  readonly params: ForestParams;
  readonly mean: number;
  readonly sd: number;
  readonly folds: readonly number[];
}

/** The outcome of the search, as recorded in `metrics.json`. */
export interface CrossValidation {
  readonly folds: number;
  readonly metric: 'accuracy';
  readonly grid: SearchGrid;
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
    grid.maxFeatures.flatMap((maxFeatures) =>
      grid.minLeaf.flatMap((minLeaf) => trees.map((count) => ({ kind, trees: count, maxFeatures, minLeaf }))),
    ),
  );
}

const describe = (p: ForestParams): string => `${p.kind} max_features=${p.maxFeatures} min_leaf=${p.minLeaf}`;

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * Cross-validates every candidate of `grid` on `train` and selects the best (ties: the earlier candidate, i.e. fewer
 * trees). Fold `f`'s forests are seeded with `deriveSeed(seed, 100 + f)`.
 *
 * @param log - receives one line per fold and candidate group, so long searches show progress
 */
export async function crossValidate(
  train: Dataset,
  grid: SearchGrid,
  k: number,
  seed: number,
  build: TreeBuilder = buildTreesInline,
  log: ProgressLog = () => undefined,
): Promise<CrossValidation> {
  const folds = stratifiedFolds(train.y, k, seed);
  const all = candidates(grid);
  const treeCounts = [...new Set(grid.trees)].sort((a, b) => a - b);
  const maxTrees = treeCounts[treeCounts.length - 1] ?? 0;
  const scores = new Map<ForestParams, number[]>(all.map((params) => [params, []]));
  const groups = all.filter((params) => params.trees === treeCounts[0]);

  for (const [f, fold] of folds.entries()) {
    const fitRows = complement(train.rows, fold);
    const fit = presort(subset(train, fitRows));
    const validation = subset(train, fold);
    for (const group of groups) {
      const started = performance.now();
      const forest = await trainForest(fit, { ...group, trees: maxTrees }, deriveSeed(seed, 100 + f), build);
      const predictions = predictClassByTreeCount(forest, validation.x, validation.rows, treeCounts);
      const accuracies = predictions.map((predicted) => accuracy(validation.y, predicted));
      treeCounts.forEach((count, t) => {
        const params = all.find(
          (p) =>
            p.kind === group.kind &&
            p.maxFeatures === group.maxFeatures &&
            p.minLeaf === group.minLeaf &&
            p.trees === count,
        ) as ForestParams;
        (scores.get(params) as number[]).push(round6(accuracies[t] as number));
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const figures = treeCounts
        .map((count, t) => `${count} trees ${(accuracies[t] as number).toFixed(3)}`)
        .join(', ');
      log(`fold ${f + 1}/${k}: ${describe(group)}: accuracy ${figures} (${seconds} s)`);
    }
  }

  const results: CandidateScore[] = all.map((params) => {
    const foldScores = scores.get(params) as number[];
    const { mean, sd } = meanSd(foldScores);
    return { params, mean: round6(mean), sd: round6(sd), folds: foldScores };
  });
  const selected = results.reduce((best, candidate) => (candidate.mean > best.mean ? candidate : best));
  return {
    folds: k,
    metric: 'accuracy',
    grid,
    fold_sizes: folds.map((fold) => fold.length),
    candidates: results,
    selected,
  };
}
