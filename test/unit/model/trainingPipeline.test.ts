import { referenceSchema, signatureSchema } from '../../../model/src/contract';
import { TrainingError } from '../../../model/src/errors';
import { trainRun, type TrainRunOptions } from '../../../model/src/pipeline';
import { tableOf } from '../../helpers/modelFixtures';

/** 120 wines whose quality follows alcohol bands (5 below 10 %, 6 up to 12 %, 7 above), other columns noise. */
function bandedTable() {
  const alcohol = Array.from({ length: 120 }, (_, i) => 8.5 + (i % 40) * 0.125);
  const acidity = Array.from({ length: 120 }, (_, i) => 0.1 + ((i * 37) % 50) / 100);
  const sulphates = Array.from({ length: 120 }, (_, i) => 0.3 + ((i * 11) % 40) / 100);
  const quality = alcohol.map((a) => (a < 10 ? 5 : a <= 12 ? 6 : 7));
  return tableOf({ alcohol, 'volatile acidity': acidity, sulphates }, quality);
}

const options = (patch: Partial<TrainRunOptions> = {}): TrainRunOptions => ({
  table: bandedTable(),
  dataSha256: '0'.repeat(64),
  dataFile: 'fixture.csv',
  featureSet: 'seed3',
  seed: 3,
  folds: 3,
  grid: { kind: ['random-forest'], trees: [5, 10], max_features: [1, 3], min_leaf: [1] },
  budget: { max_bytes: 1e9, bytes_per_node: 25 },
  ...patch,
});

describe('training pipeline', () => {
  it('turns a table into five consistent artifact files and learns an easy rule', async () => {
    // Act
    const run = await trainRun(options());

    // Assess
    expect([...run.files.keys()].sort()).toEqual(
      ['MODEL_CARD.md', 'metrics.json', 'model.onnx', 'reference.json', 'signature.json'].sort(),
    );
    const signature = signatureSchema.parse(
      JSON.parse(Buffer.from(run.files.get('signature.json')!).toString()),
    );
    expect(signature).toMatchObject({
      run_id: run.runId,
      features: ['alcohol', 'volatile acidity', 'sulphates'],
    });
    expect(signature.classes).toEqual([5, 6, 7]);
    referenceSchema.parse(JSON.parse(Buffer.from(run.files.get('reference.json')!).toString()));
    expect(run.metrics.split.test_rows).toBe(24);
    expect(run.metrics.test.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(run.metrics.parity).toEqual({ rows: 24, label_mismatches: 0, max_probability_difference: 0 });
    expect(run.metrics.cross_validation.candidates).toHaveLength(4);
  });

  it('gives the same run id and bytes for the same inputs, another id for another seed', async () => {
    // Act
    const first = await trainRun(options());
    const again = await trainRun(options());
    const reseeded = await trainRun(options({ seed: 4 }));

    // Assess
    expect(again.runId).toBe(first.runId);
    expect(Buffer.from(again.model).equals(Buffer.from(first.model))).toBe(true);
    expect(reseeded.runId).not.toBe(first.runId);
  });

  it('rejects a grid value outside its range, naming the hyperparameter', async () => {
    // Prepare
    const grid = { kind: ['random-forest'], trees: [5], max_features: [4], min_leaf: [1] } as const;

    // Act
    const attempt = trainRun(options({ grid }));

    // Assess
    await expect(attempt).rejects.toThrow(TrainingError);
    await expect(attempt).rejects.toThrow(
      'grid.max_features must be a non-empty list of integers in [1, 3], got [4]',
    );
  });

  it('refuses to reuse a cross-validation recorded with another grid', async () => {
    // Prepare
    const recorded = (await trainRun(options())).metrics.cross_validation;
    const grid = { kind: ['random-forest'], trees: [5], max_features: [1], min_leaf: [1] } as const;

    // Act
    const attempt = trainRun(options({ grid, recordedSelection: recorded }));

    // Assess
    await expect(attempt).rejects.toThrow('the recorded cross-validation was made with another grid');
  });
});
