import { binIndex } from '../../../../../model/src/reference';
import {
  assignBins,
  binOf,
  countBins,
  countClasses,
  countFeatureBins,
  featureShares,
} from '../../../../../functions/core/drift';
import { COMMITTED_RUNS, committedRun, tensorFrom, tensorOf, whiteWine } from '../../../../helpers/drift';

describe('binning against reference.json', () => {
  describe.each(COMMITTED_RUNS)('run %s', (runId) => {
    const run = committedRun(runId);
    const { reference, signature, json } = run;
    const cutsOf = (name: string) => json.features.find((f) => f.name === name)!.cuts;

    it('puts a value equal to a cut point in the lower bin, for every cut of every feature', () => {
      // Prepare: one row per cut index, each feature at its k-th cut (features with fewer cuts repeat their last).
      const most = Math.max(...signature.features.map((name) => cutsOf(name).length));
      const rows = Array.from({ length: most }, (_, k) =>
        signature.features.map((name) => cutsOf(name)[Math.min(k, cutsOf(name).length - 1)]!),
      );

      // Act
      const bins = assignBins(reference, tensorFrom(rows));

      // Assess
      rows.forEach((_, k) =>
        signature.features.forEach((name, j) => {
          expect(bins[k * signature.features.length + j]).toBe(Math.min(k, cutsOf(name).length - 1));
        }),
      );
    });

    it('puts values below the training minimum in the first bin and above the maximum in the last', () => {
      // Prepare
      const below = json.features.map((f) => Math.max(0, f.min - 1));
      const above = json.features.map((f) => f.max * 10 + 1);
      const ordered = (values: number[]) =>
        signature.features.map((name) => values[json.features.findIndex((f) => f.name === name)]!);

      // Act
      const bins = assignBins(reference, tensorFrom([ordered(below), ordered(above)]));

      // Assess
      const width = signature.features.length;
      signature.features.forEach((name, j) => {
        expect(bins[j]).toBe(0);
        expect(bins[width + j]).toBe(cutsOf(name).length);
      });
    });

    it('bins every CSV value through the float32 tensor exactly as the training rule bins the decimal value', () => {
      // Prepare
      const wine = whiteWine();
      const all = Array.from({ length: wine.rows }, (_, i) => i);

      // Act
      const bins = assignBins(reference, tensorOf(all, signature.features));

      // Assess
      const width = signature.features.length;
      const disagreements = signature.features.flatMap((name, j) =>
        all.filter((row) => bins[row * width + j] !== binIndex(cutsOf(name), wine.columns[name][row]!)),
      );
      expect(disagreements).toEqual([]);
    });

    it("reproduces reference.json's shares from the run's training rows", () => {
      // Prepare
      const batch = tensorOf(run.trainRows, signature.features);

      // Act
      const counts = countBins(reference, batch, new Array<number>(batch.rows).fill(signature.classes[0]!));

      // Assess
      signature.features.forEach((name, j) => {
        const start = reference.binOffsets[j]!;
        const shares = Array.from(featureShares(reference, j), (_, k) =>
          Number((counts.features[start + k]! / batch.rows).toFixed(6)),
        );
        expect({ name, shares }).toEqual({
          name,
          shares: json.features.find((f) => f.name === name)!.shares,
        });
      });
    });
  });

  it('keeps a value equal to a cut whose float32 rounding is larger in the lower bin (0.17 → 0.1700000018)', () => {
    // Prepare: volatile acidity's first cut in the committed runs is 0.17, and fround(0.17) > 0.17.
    const run = committedRun(COMMITTED_RUNS[0]!);
    const column = run.signature.features.indexOf('volatile acidity');
    const cuts = run.json.features.find((f) => f.name === 'volatile acidity')!.cuts;
    const row = run.signature.features.map((name) => (name === 'volatile acidity' ? 0.17 : 1));

    // Act
    const bin = assignBins(run.reference, tensorFrom([row]))[column];

    // Assess
    expect(cuts[0]).toBe(0.17);
    expect(Math.fround(0.17)).toBeGreaterThan(0.17);
    expect(binIndex(cuts, Math.fround(0.17))).toBe(1); // what comparing with the decimal cuts would do
    expect(bin).toBe(0);
  });

  it('counts features and classes apart exactly as together (the report reads them from two streams)', () => {
    // Prepare
    const run = committedRun(COMMITTED_RUNS[1]!);
    const batch = tensorOf(run.testRows, run.signature.features);
    const labels = run.testRows.map((row) => whiteWine().quality[row]!);

    // Act
    const together = countBins(run.reference, batch, labels);

    // Assess
    expect(Array.from(countFeatureBins(run.reference, batch))).toEqual(Array.from(together.features));
    expect(Array.from(countClasses(run.reference, labels))).toEqual(Array.from(together.classes));
    expect(together.classes.reduce((a, b) => a + b, 0)).toBe(run.testRows.length);
  });

  it('counts the number of cuts strictly below a value', () => {
    // Prepare
    const cuts = Float64Array.of(1, 2, 3, 9, 9.4);

    // Act
    const bins = [0, 9, 9.2, 9.4, 9.5].map((value) => binOf(cuts, 3, 5, value));

    // Assess
    expect(bins).toEqual([0, 0, 1, 1, 2]);
  });

  it('refuses a tensor whose width is not the reference’s feature count', () => {
    // Prepare
    const run = committedRun(COMMITTED_RUNS[0]!);

    // Act
    const assign = () => assignBins(run.reference, tensorFrom([[1, 2, 3, 4]]));

    // Assess
    expect(assign).toThrow(/4 columns, the drift reference 3 features/);
  });
});
