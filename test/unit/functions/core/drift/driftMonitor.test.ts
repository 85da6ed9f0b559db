import path from 'node:path';
import { loadModel, type LoadedModel } from '../../../../../functions/adapters/modelLoader';
import {
  compileDriftReference,
  createDriftMonitor,
  MIN_PSI_RECORDS,
  PSI_THRESHOLDS,
} from '../../../../../functions/core/drift';
import { runDir } from '../../../../../model/src/artifacts';
import { COMMITTED_RUNS, committedRun, tensorFrom, tensorOf, tinyReference } from '../../../../helpers/drift';

describe('drift monitor', () => {
  describe.each(COMMITTED_RUNS)('on the held-out rows of run %s', (runId) => {
    const run = committedRun(runId);
    let model: LoadedModel;

    beforeAll(async () => {
      model = await loadModel(
        { kind: 'local', directory: path.resolve(runDir(runId)) },
        { intraOpNumThreads: 1 },
      );
    });
    afterAll(() => model.scorer.session.release());

    async function observe(shift: { alcohol?: number }) {
      const monitor = createDriftMonitor(run.reference);
      const batch = tensorOf(run.testRows, run.signature.features, shift);
      const scores = await model.scorer.score(batch);
      return monitor.observe(batch, scores.labels);
    }

    it('keeps every feature stable (PSI < 0.1) when nothing drifted', async () => {
      // Prepare / Act
      const snapshot = await observe({});

      // Assess
      expect(snapshot.batchRecords).toBe(run.testRows.length);
      for (const feature of snapshot.features) {
        expect({ feature: feature.name, stable: feature.psi! < PSI_THRESHOLDS.stable }).toEqual({
          feature: feature.name,
          stable: true,
        });
        expect(feature.windowPsi).toBe(feature.psi); // the window holds exactly this batch
      }
    });

    it('shows drift (PSI > 0.25) on alcohol shifted by +1.5 %vol, and only there', async () => {
      // Prepare / Act
      const snapshot = await observe({ alcohol: 1.5 });

      // Assess
      const alcohol = snapshot.features.find((f) => f.name === 'alcohol')!;
      expect(alcohol.psi).toBeGreaterThan(PSI_THRESHOLDS.drift);
      for (const feature of snapshot.features.filter((f) => f.name !== 'alcohol'))
        expect(feature.psi).toBeLessThan(PSI_THRESHOLDS.stable);
    });

    it('moves the predicted-class PSI well above its undrifted level when alcohol shifts', async () => {
      // Prepare / Act
      const undrifted = await observe({});
      const drifted = await observe({ alcohol: 1.5 });

      // Assess
      // A classifier's predictions are more concentrated than the true labels, so even undrifted traffic is not at 0
      // against the training class shares (≈ 0.1–0.13 here): alarms on it need a higher threshold than features.
      expect(undrifted.prediction.psi).toBeLessThan(PSI_THRESHOLDS.drift);
      expect(drifted.prediction.psi).toBeGreaterThan(0.3);
      expect(drifted.prediction.psi! - undrifted.prediction.psi!).toBeGreaterThan(0.2);
    });
  });

  it(`emits no PSI for a batch under ${MIN_PSI_RECORDS} records, but the window collects it and reports once full enough`, () => {
    // Prepare
    const { json, model } = tinyReference();
    const monitor = createDriftMonitor(compileDriftReference(json, model), {
      minRecords: 4,
      windowRecords: 10,
    });
    const rows = (n: number) => tensorFrom(Array.from({ length: n }, () => [9.5, 0.7]));

    // Act
    const small = monitor.observe(rows(3), [6, 6, 6]);
    const second = monitor.observe(rows(2), [6, 6]);
    const large = monitor.observe(rows(4), [6, 6, 6, 6]);

    // Assess
    expect(MIN_PSI_RECORDS).toBe(500);
    expect(small.features.map((f) => [f.psi, f.windowPsi])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(small.prediction).toEqual({ psi: undefined, windowPsi: undefined });
    expect(second.windowRecords).toBe(5);
    expect(second.features.every((f) => f.psi === undefined && f.windowPsi !== undefined)).toBe(true);
    expect(second.prediction.psi).toBeUndefined();
    expect(second.prediction.windowPsi).toBeGreaterThan(0);
    expect(large.features.every((f) => f.psi !== undefined)).toBe(true);
  });

  it('computes the window PSI over the newest records only', () => {
    // Prepare
    const { json, model } = tinyReference();
    const monitor = createDriftMonitor(compileDriftReference(json, model), {
      minRecords: 1,
      windowRecords: 10,
    });
    // 10 records shaped like the reference: alcohol 2/5/3 per bin, sulphates 4/6, classes 3/5/2.
    const alcohol = [8, 8, 9.5, 9.5, 9.5, 9.5, 9.5, 11, 11, 11];
    const sulphates = [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    const labels = [5, 5, 5, 6, 6, 6, 6, 6, 7, 7];
    const matching = tensorFrom(alcohol.map((a, i) => [a, sulphates[i]!]));

    // Act
    const skewed = monitor.observe(tensorFrom(Array.from({ length: 10 }, () => [11, 0.9])), labels);
    const after = monitor.observe(matching, labels);

    // Assess
    expect(skewed.features[0]!.windowPsi).toBeGreaterThan(1);
    expect(after.features.map((f) => f.windowPsi)).toEqual([0, 0]);
    expect(after.prediction.windowPsi).toBe(0);
  });

  it('refuses a minimum record count that is not a positive integer', () => {
    // Prepare
    const { json, model } = tinyReference();
    const reference = compileDriftReference(json, model);

    // Act / Assess
    expect(() => createDriftMonitor(reference, { minRecords: 0 })).toThrow(
      /minRecords must be a positive integer/,
    );
  });
});
