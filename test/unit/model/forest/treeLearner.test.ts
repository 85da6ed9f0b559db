import { predictClass, trainForest } from '../../../../model/src/forest/forest';
import { presort } from '../../../../model/src/forest/presort';
import { buildTree, float32Threshold, leafOf } from '../../../../model/src/forest/tree';
import type { ForestKind, Tree } from '../../../../model/src/forest/types';
import { datasetOf, separableBands } from '../../../helpers/modelFixtures';

const internalThresholds = (tree: Tree): number[] =>
  Array.from(tree.threshold).filter((_, node) => (tree.feature[node] as number) >= 0);

describe('tree learner', () => {
  it.each<ForestKind>(['random-forest', 'extra-trees'])(
    'learns a perfectly separable set exactly (%s)',
    async (kind) => {
      // Prepare
      const { rows, labels } = separableBands(20);
      const data = datasetOf(rows, labels, [3, 4, 5]);

      // Act
      const forest = await trainForest(presort(data), { kind, trees: 15, max_features: 2, min_leaf: 1 }, 11);
      const predicted = predictClass(forest, data.x, data.rows);

      // Assess
      expect(Array.from(predicted)).toEqual(labels);
    },
  );

  it('needs a single split for two classes separated on one feature (best splitter)', () => {
    // Prepare: classes change between 0.3 and 0.7
    const x = [0.1, 0.15, 0.2, 0.25, 0.3, 0.7, 0.75, 0.8, 0.85, 0.9];
    const data = datasetOf(
      x.map((v) => [v]),
      x.map((v) => (v < 0.5 ? 0 : 1)),
      [0, 1],
    );

    // Act
    const tree = buildTree(presort(data), { kind: 'random-forest', max_features: 1, min_leaf: 1 }, 1);

    // Assess
    expect(tree.feature.length).toBe(3);
    expect(tree.threshold[0]).toBeGreaterThanOrEqual(Math.fround(0.3));
    expect(tree.threshold[0]).toBeLessThan(Math.fround(0.7));
    expect(Array.from(tree.values)).toEqual([1, 0, 0, 1]);
  });

  it('chooses float32 thresholds that separate neighbouring training values', async () => {
    // Prepare: real-looking decimal values, which are not float32-exact
    const rows = Array.from({ length: 60 }, (_, i) => [0.1 * i + 0.013, 0.7 + 0.0017 * ((i * 37) % 60)]);
    const labels = rows.map(([a, b]) => (a! + 3 * b! > 5.1 ? 1 : 0) + (a! > 4 ? 1 : 0));
    const data = datasetOf(rows, labels, [5, 6, 7]);

    // Act
    const forest = await trainForest(
      presort(data),
      { kind: 'random-forest', trees: 5, max_features: 2, min_leaf: 1 },
      3,
    );

    // Assess
    const thresholds = forest.trees.flatMap(internalThresholds);
    expect(thresholds.length).toBeGreaterThan(5);
    for (const threshold of thresholds) expect(Math.fround(threshold)).toBe(threshold);
    // And the tree separates its training rows as well as ONNX's float32 `x <= t` would.
    expect(Array.from(predictClass(forest, data.x, data.rows))).toEqual(labels);
  });

  it('keeps the threshold of adjacent float32 values strictly below the upper one', () => {
    // Prepare
    const a = Math.fround(0.27);
    const b = a + 2 ** -25; // the next float32 above 0.27 (exponent -2: ulp 2^-25)

    // Act
    const threshold = float32Threshold(a, b);

    // Assess
    expect(Math.fround(b)).toBe(b);
    expect(threshold).toBe(a);
    expect(threshold < b).toBe(true);
  });

  it('leaves at least min-leaf samples in every leaf', () => {
    // Prepare
    const rows = Array.from({ length: 80 }, (_, i) => [(i * 13) % 17, (i * 7) % 11]);
    const labels = rows.map((_, i) => i % 3);
    const data = datasetOf(rows, labels, [1, 2, 3]);

    // Act
    const tree = buildTree(presort(data), { kind: 'extra-trees', max_features: 2, min_leaf: 5 }, 9);

    // Assess: extra-trees use every row once, so leaf populations are the training rows reaching each leaf
    const population = new Map<number, number>();
    for (let i = 0; i < data.rows; i++) {
      const leaf = leafOf(tree, data.x, i * 2);
      population.set(leaf, (population.get(leaf) ?? 0) + 1);
    }
    expect(Math.min(...population.values())).toBeGreaterThanOrEqual(5);
    expect(population.size).toBeGreaterThan(1);
  });

  it('grows the same tree from the same seed and a different one from another seed', () => {
    // Prepare
    const { rows, labels } = separableBands(30);
    const prepared = presort(datasetOf(rows, labels, [0, 1, 2]));
    const params = { kind: 'random-forest', max_features: 1, min_leaf: 1 } as const;

    // Act
    const first = buildTree(prepared, params, 5);
    const again = buildTree(prepared, params, 5);
    const other = buildTree(prepared, params, 6);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('stores class distributions that sum to one in every leaf', () => {
    // Prepare
    const rows = Array.from({ length: 50 }, (_, i) => [i % 5, i % 7]);
    const labels = rows.map((_, i) => (i * 31) % 3);
    const data = datasetOf(rows, labels, [1, 2, 3]);

    // Act
    const tree = buildTree(presort(data), { kind: 'random-forest', max_features: 2, min_leaf: 3 }, 2);

    // Assess
    for (let leaf = 0; leaf < tree.values.length / 3; leaf++) {
      const sum = tree.values[leaf * 3]! + tree.values[leaf * 3 + 1]! + tree.values[leaf * 3 + 2]!;
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});
