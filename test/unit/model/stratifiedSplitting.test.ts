import { complement, stratifiedFolds, stratifiedSplit } from '../../../model/src/split';
import { TrainingError } from '../../../model/src/errors';

/** 200 labels with unequal classes: 100 × 0, 60 × 1, 35 × 2, 5 × 3, interleaved. */
const labels = Uint8Array.from({ length: 200 }, (_, i) =>
  i % 40 < 20 ? 0 : i % 40 < 32 ? 1 : i % 40 < 39 ? 2 : 3,
);
const countOf = (rows: Int32Array, label: number): number =>
  Array.from(rows).filter((i) => labels[i] === label).length;

describe('stratified splitting', () => {
  it('holds out exactly round(n × fraction) rows with every class in proportion', () => {
    // Act
    const { train, test } = stratifiedSplit(labels, 0.2, 42);

    // Assess
    expect(test.length).toBe(40);
    expect(train.length).toBe(160);
    expect([0, 1, 2, 3].map((c) => countOf(test, c))).toEqual([20, 12, 7, 1]);
  });

  it('makes train and test disjoint, covering every row, each ascending', () => {
    // Act
    const { train, test } = stratifiedSplit(labels, 0.25, 7);

    // Assess
    const all = [...train, ...test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(Array.from(test)).toEqual([...test].sort((a, b) => a - b));
  });

  it('gives the same rows for the same seed and other rows for another seed', () => {
    expect(stratifiedSplit(labels, 0.2, 1)).toEqual(stratifiedSplit(labels, 0.2, 1));
    expect(stratifiedSplit(labels, 0.2, 1).test).not.toEqual(stratifiedSplit(labels, 0.2, 2).test);
  });

  it('rejects a test fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(TrainingError);
    expect(() => stratifiedSplit(labels, 0, 1)).toThrow('test fraction must be in (0, 1)');
  });
});

describe('cross-validation folds', () => {
  it('are disjoint and together cover every row', () => {
    // Act
    const folds = stratifiedFolds(labels, 5, 3);

    // Assess
    const seen = folds.flatMap((fold) => Array.from(fold));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('keep each class’s share in every fold and differ in size by at most one', () => {
    // Act
    const folds = stratifiedFolds(labels, 5, 3);

    // Assess
    for (const fold of folds) {
      expect(countOf(fold, 0)).toBe(20);
      expect(countOf(fold, 1)).toBe(12);
      expect(countOf(fold, 2)).toBe(7);
      expect(countOf(fold, 3)).toBe(1);
    }
    const sizes = folds.map((fold) => fold.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('complement a fold into the rest of the rows', () => {
    // Prepare
    const [fold] = stratifiedFolds(labels, 4, 9);

    // Act
    const rest = complement(labels.length, fold!);

    // Assess
    expect(rest.length + fold!.length).toBe(200);
    expect(Array.from(rest).some((i) => fold!.includes(i))).toBe(false);
  });

  it('reject fewer than two folds', () => {
    expect(() => stratifiedFolds(labels, 1, 1)).toThrow('number of folds must be an integer ≥ 2');
  });
});
