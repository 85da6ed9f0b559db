import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RUN_ID, loadSignature, referenceRunId, runDir } from '../../../../model/src/artifacts';
import type { ModelSignature } from '../../../../model/src/contract';
import { loadModel, loadModelOnce, resetModelCache } from '../../../../functions/adapters/modelLoader';
import { createOnnxScorer } from '../../../../functions/adapters/onnxScorer';
import { createBatchProcessor } from '../../../../functions/core/processBatch';
import {
  ModelLoadError,
  ModelNotFoundError,
  ModelSignatureMismatchError,
} from '../../../../functions/errors';
import { heldOutRows, inputRecord, sequenceNumber } from '../../../helpers/factories';

jest.setTimeout(30_000);

const runs = { seed3: DEFAULT_RUN_ID, all: referenceRunId('all')! };
const defaultDir = runDir(DEFAULT_RUN_ID);
const defaultBytes = fs.readFileSync(path.join(defaultDir, 'model.onnx'));
const defaultSignature = loadSignature(defaultDir);

async function mismatchWith(overrides: Partial<ModelSignature>): Promise<ModelSignatureMismatchError> {
  try {
    await createOnnxScorer(defaultBytes, { ...defaultSignature, ...overrides });
  } catch (error) {
    if (error instanceof ModelSignatureMismatchError) return error;
    throw error;
  }
  throw new Error('the scorer accepted a mismatching signature');
}

afterEach(() => resetModelCache());

describe('loading and scoring the committed models', () => {
  it.each(Object.entries(runs))(
    'scores the %s run’s held-out rows, sent as JSON records, exactly as its metrics.json records',
    async (_featureSet, runId) => {
      // Prepare
      const model = await loadModel({ kind: 'local', directory: runDir(runId) }, { intraOpNumThreads: 1 });
      const rows = heldOutRows(runDir(runId));
      const records = rows.features.map((features, i) =>
        inputRecord({
          sequenceNumber: sequenceNumber(i),
          payload: { wine_features: features, customer_id: i },
        }),
      );
      const process = createBatchProcessor(model.signature, model.scorer);

      // Act
      const { predictions, rejections } = await process(records);

      // Assess
      expect(rejections).toEqual([]);
      const classes = model.signature.classes;
      const confusion = classes.map(() => classes.map(() => 0));
      predictions.forEach((p, i) => {
        confusion[classes.indexOf(rows.quality[i]!)]![classes.indexOf(p.event.prediction.wine_quality)]! += 1;
      });
      expect(classes).toEqual(rows.classes);
      expect(confusion).toEqual(rows.confusionMatrix);
      for (const { event } of predictions) {
        const sum = Object.values(event.prediction.probabilities).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 4);
        expect(event.version).toBe(runId);
        expect(event.prediction.probability).toBe(
          event.prediction.probabilities[String(event.prediction.wine_quality)],
        );
      }
    },
  );

  it('refuses a signature that lists more features than the graph takes', async () => {
    // Prepare
    const allFeatures = loadSignature(runDir(runs.all)).features;

    // Act
    const error = await mismatchWith({ features: allFeatures });

    // Assess
    expect(error.code).toBe('MODEL_SIGNATURE_MISMATCH');
    expect(error.message).toContain('input "input" takes 3 features; signature lists 11');
  });

  it('refuses a signature whose input and output names the graph does not have, naming each', async () => {
    // Prepare
    const onnx = { ...defaultSignature.onnx, input: 'float_input', probabilities: 'output_probability' };

    // Act
    const error = await mismatchWith({ onnx });

    // Assess
    expect(error.mismatches).toEqual([
      'graph inputs are [input]; signature expects exactly ["float_input"]',
      'graph has no output "output_probability" (outputs: [label, probabilities])',
    ]);
  });

  it('refuses a signature with a different number of classes', async () => {
    // Prepare
    const classes = [3, 4, 5, 6, 7, 8];

    // Act
    const error = await mismatchWith({ classes });

    // Assess
    expect(error.message).toContain('output "probabilities" has 7 columns; signature lists 6 classes');
  });

  it('refuses a signature whose class labels the model never predicts', async () => {
    // Prepare
    const classes = [10, 20, 30, 40, 50, 60, 70];

    // Act
    const error = await mismatchWith({ classes });

    // Assess
    expect(error.message).toMatch(/probe returned label\(s\) \d+, \d+, not among classes 10, 20/);
  });

  it('refuses bytes that are not an ONNX model', async () => {
    // Prepare
    const bytes = Buffer.from('not a model');

    // Act
    const creating = createOnnxScorer(bytes, defaultSignature);

    // Assess
    await expect(creating).rejects.toThrow(ModelLoadError);
    await expect(creating).rejects.toThrow(/^onnxruntime cannot load model\.onnx: /);
  });

  it('refuses a model whose signature names another run than RUN_ID', async () => {
    // Prepare
    const otherRun = 'f'.repeat(32);

    // Act
    const loading = loadModel(
      { kind: 'local', directory: defaultDir },
      { intraOpNumThreads: 1, expectedRunId: otherRun },
    );

    // Assess
    await expect(loading).rejects.toThrow(`has run_id ${DEFAULT_RUN_ID}, but RUN_ID is ${otherRun}`);
  });

  it('loads once for concurrent callers and tries again after a failed load', async () => {
    // Prepare
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-once-'));
    const location = { kind: 'local', directory: dir } as const;

    // Act
    const first = loadModelOnce(location, { intraOpNumThreads: 1 });
    const concurrent = loadModelOnce(location, { intraOpNumThreads: 1 });
    await expect(first).rejects.toThrow(ModelNotFoundError);
    for (const file of ['model.onnx', 'signature.json'])
      fs.copyFileSync(path.join(defaultDir, file), path.join(dir, file));
    const retried = await loadModelOnce(location, { intraOpNumThreads: 1 });
    const cached = await loadModelOnce(location, { intraOpNumThreads: 1 });

    // Assess
    expect(concurrent).toBe(first);
    expect(retried.signature.run_id).toBe(DEFAULT_RUN_ID);
    expect(cached).toBe(retried);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
