import { referenceSchema } from '../../../model/src/contract';
import { binIndex, buildReference, quantileCuts } from '../../../model/src/reference';
import { tableOf } from '../../helpers/modelFixtures';

describe('reference distribution', () => {
  it('bins a value by the number of edges strictly below it', () => {
    // Prepare
    const cuts = [1, 2, 3];

    // Act
    const bins = [0.5, 1, 1.5, 2, 3, 3.5].map((value) => binIndex(cuts, value));

    // Assess
    expect(bins).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('puts decile edges on data values and merges tied edges', () => {
    // Prepare
    const uniform = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const tied = Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 1 : 2));

    // Act
    const uniformCuts = quantileCuts(uniform, 10);
    const tiedCuts = quantileCuts(tied, 10);

    // Assess
    expect(uniformCuts).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(tiedCuts).toEqual([1]);
  });

  it('describes the training rows only, with shares that sum to one', () => {
    // Prepare: rows 0–9 are training rows; rows 10–11 (huge values, class 9) must not count
    const alcohol = [...Array.from({ length: 10 }, (_, i) => 9 + i * 0.5), 99, 99];
    const quality = [5, 5, 5, 5, 6, 6, 6, 6, 6, 7, 9, 9];
    const table = tableOf({ alcohol }, quality);
    const train = Array.from({ length: 10 }, (_, i) => i);

    // Act
    const reference = buildReference(table, train, ['alcohol'], [5, 6, 7, 9], {
      runId: 'ab'.repeat(16),
      featureSet: 'test',
    });

    // Assess
    expect(referenceSchema.parse(reference)).toEqual(reference);
    const [feature] = reference.features;
    expect(feature!.max).toBe(13.5);
    expect(feature!.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(feature!.shares).toHaveLength(feature!.cuts.length + 1);
    expect(reference.classes).toEqual([
      { label: 5, share: 0.4 },
      { label: 6, share: 0.5 },
      { label: 7, share: 0.1 },
      { label: 9, share: 0 },
    ]);
  });
});
