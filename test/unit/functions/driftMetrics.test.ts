import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReadyModel } from '../../../functions/adapters/modelLoader';
import { fetchModelArtifacts, type ReferenceArtifact } from '../../../functions/adapters/modelStore';
import { DriftMetricName, FEATURE_DIMENSION, SERVICE_DIMENSION } from '../../../functions/contract/metrics';
import { parseConfig } from '../../../functions/config';
import { ConfigError } from '../../../functions/errors';
import { createHandler } from '../../../functions/handler';
import { DEFAULT_RUN_ID, runDir } from '../../../model/src/artifacts';
import type { ModelReference } from '../../../model/src/contract';
import { tinyReference } from '../../helpers/drift';
import { fakeScorer, kinesisEvent, RUN_ID, signatureFor, type RecordOptions } from '../../helpers/factories';

/** A 2-feature, 3-class model: `alcohol` cut at 9 and 10 (shares 0.2/0.5/0.3), `sulphates` at 0.5 (0.4/0.6). */
const signature = signatureFor('seed3', { features: ['alcohol', 'sulphates'], classes: [5, 6, 7] });
/** The hand-made 2-feature reference of the drift tests, under the fake signature's feature set. */
const referenceJson: ModelReference = tinyReference({ feature_set: 'seed3' }).json;
const loaded: ReferenceArtifact = {
  status: 'loaded',
  reference: referenceJson,
  location: '/models/reference.json',
};

/** Records at alcohol 11 (last bin) and sulphates 0.9 (last bin); the fake scorer predicts class 7 for them. */
function drifted(count: number): RecordOptions[] {
  return Array.from({ length: count }, () => ({
    payload: { wine_features: { alcohol: 11, sulphates: 0.9 }, customer_id: 1 },
  }));
}

function model(reference: ReferenceArtifact = loaded): ReadyModel {
  return { signature, scorer: fakeScorer(signature.classes), location: '/models/', loadMs: 1, reference };
}

type Line = Record<string, unknown> & { _aws?: { CloudWatchMetrics: { Dimensions: string[][] }[] } };

/** Powertools' JSON log lines and EMF documents, parsed from stdout and stderr during `act`. */
async function captureOutput(act: () => Promise<unknown>): Promise<Line[]> {
  const lines: Line[] = [];
  const collect = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Line);
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(collect),
    jest.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  try {
    await act();
    return lines;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function handlerFor(
  ready: ReadyModel,
  options: { separateFeatureMetrics?: boolean; minRecords?: number } = {},
) {
  const metrics = () => new Metrics({ serviceName: 'scorer', namespace: 'Test' });
  return createHandler({
    loadModel: () => Promise.resolve(ready),
    output: { kind: 'dry-run' },
    telemetry: {
      logger: new Logger({ serviceName: 'scorer' }),
      metrics: metrics(),
      ...(options.separateFeatureMetrics === false ? {} : { featureMetrics: metrics() }),
    },
    drift: { minRecords: options.minRecords ?? 5, windowRecords: 8 },
  });
}

const emf = (lines: Line[]) => lines.filter((l) => l._aws !== undefined);
const featureDocuments = (lines: Line[]) => emf(lines).filter((l) => FEATURE_DIMENSION in l);

describe('drift metrics of the handler', () => {
  it('emits FeaturePSI and FeaturePSIWindow per feature, with the service and feature dimensions', async () => {
    // Prepare
    const handle = handlerFor(model());

    // Act
    const lines = await captureOutput(() => handle(kinesisEvent(drifted(6))));

    // Assess
    const documents = featureDocuments(lines);
    expect(documents.map((d) => d[FEATURE_DIMENSION])).toEqual(['alcohol', 'sulphates']);
    for (const document of documents) {
      expect(document._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([
        [SERVICE_DIMENSION, FEATURE_DIMENSION],
      ]);
      expect(document[SERVICE_DIMENSION]).toBe('scorer');
    }
    // Hand-computed: every record in the last bin, ε = 0.0001 for the empty ones.
    expect(documents[0]).toMatchObject({ [DriftMetricName.featurePsi]: 6.619946 });
    expect(documents[0]?.[DriftMetricName.featurePsiWindow]).toBe(documents[0]?.[DriftMetricName.featurePsi]);
    expect(documents[1]).toMatchObject({ [DriftMetricName.featurePsi]: 3.521121 });
  });

  it("adds the prediction PSIs and the window's size to the batch's own document", async () => {
    // Prepare
    const handle = handlerFor(model());

    // Act
    const lines = await captureOutput(() => handle(kinesisEvent(drifted(6))));

    // Assess
    const batch = emf(lines).find((l) => 'RecordsReceived' in l);
    expect(batch).toMatchObject({
      [DriftMetricName.predictionPsi]: 7.946405,
      [DriftMetricName.predictionPsiWindow]: 7.946405,
      [DriftMetricName.windowRecords]: 6,
    });
    expect(batch?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([[SERVICE_DIMENSION]]);
    expect(batch).not.toHaveProperty(FEATURE_DIMENSION);
  });

  it('leaves out batch PSIs of a small batch but reports the window once it holds enough records', async () => {
    // Prepare
    const handle = handlerFor(model());

    // Act
    const first = await captureOutput(() => handle(kinesisEvent(drifted(3))));
    const second = await captureOutput(() => handle(kinesisEvent(drifted(3))));

    // Assess
    expect(featureDocuments(first)).toEqual([]);
    expect(emf(first).find((l) => 'RecordsReceived' in l)).not.toHaveProperty(DriftMetricName.predictionPsi);
    const documents = featureDocuments(second);
    expect(documents).toHaveLength(2);
    for (const document of documents) {
      expect(document).not.toHaveProperty(DriftMetricName.featurePsi);
      expect(document).toHaveProperty(DriftMetricName.featurePsiWindow);
    }
  });

  it('logs the drift summary on the batch line', async () => {
    // Prepare
    const handle = handlerFor(model());

    // Act
    const lines = await captureOutput(() => handle(kinesisEvent(drifted(6))));

    // Assess
    const batchLine = lines.find((l) => l.message === 'batch processed');
    expect(batchLine).toMatchObject({
      drift: {
        window_records: 6,
        feature_psi: { alcohol: 6.6199, sulphates: 3.5211 },
        feature_psi_window: { alcohol: 6.6199, sulphates: 3.5211 },
        prediction_psi: 7.9464,
      },
    });
  });

  it('emits the same metrics one per document when telemetry has no separate feature instance', async () => {
    // Prepare
    const handle = handlerFor(model(), { separateFeatureMetrics: false });

    // Act
    const lines = await captureOutput(() => handle(kinesisEvent(drifted(6))));

    // Assess
    const documents = featureDocuments(lines);
    expect(
      documents.map((d) => [d[FEATURE_DIMENSION], Object.keys(d).filter((k) => k.startsWith('Feature'))]),
    ).toEqual([
      ['alcohol', [DriftMetricName.featurePsi]],
      ['alcohol', [DriftMetricName.featurePsiWindow]],
      ['sulphates', [DriftMetricName.featurePsi]],
      ['sulphates', [DriftMetricName.featurePsiWindow]],
    ]);
    expect(documents[0]?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([
      [SERVICE_DIMENSION, FEATURE_DIMENSION],
    ]);
  });

  it('scores without drift metrics and warns once when the model has no reference.json', async () => {
    // Prepare
    const handle = handlerFor(model({ status: 'absent', location: '/models/reference.json' }));

    // Act
    const lines = await captureOutput(async () => {
      await handle(kinesisEvent(drifted(6)));
      await handle(kinesisEvent(drifted(6)));
    });

    // Assess
    const warnings = lines.filter((l) => l.level === 'WARN');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'drift monitoring is off: the model has no reference.json',
        reference: '/models/reference.json',
        run_id: RUN_ID,
      }),
    ]);
    expect(featureDocuments(lines)).toEqual([]);
    expect(lines.filter((l) => l.message === 'batch processed').map((l) => l.predicted)).toEqual([6, 6]);
  });

  it('logs one error and keeps scoring when reference.json belongs to another run', async () => {
    // Prepare
    const other = { ...referenceJson, run_id: 'f'.repeat(32) };
    const handle = handlerFor(
      model({ status: 'loaded', reference: other, location: '/models/reference.json' }),
    );

    // Act
    const lines = await captureOutput(() => handle(kinesisEvent(drifted(6))));

    // Assess
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'drift monitoring is off: reference.json is unusable' });
    expect(JSON.stringify(errors[0]?.error)).toContain(`run_id is ${'f'.repeat(32)}`);
    expect(featureDocuments(lines)).toEqual([]);
    expect(lines.find((l) => l.message === 'batch processed')).toMatchObject({ predicted: 6 });
  });
});

describe('reference.json beside the model', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-reference-'));
    for (const file of ['model.onnx', 'signature.json'])
      fs.copyFileSync(path.join(runDir(DEFAULT_RUN_ID), file), path.join(dir, file));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is loaded and validated with the model', async () => {
    // Prepare
    fs.copyFileSync(path.join(runDir(DEFAULT_RUN_ID), 'reference.json'), path.join(dir, 'reference.json'));

    // Act
    const { reference } = await fetchModelArtifacts({ kind: 'local', directory: dir });

    // Assess
    expect(reference.status).toBe('loaded');
    expect(reference.status === 'loaded' && reference.reference.run_id).toBe(DEFAULT_RUN_ID);
  });

  it('is reported absent, not as a load failure, when the folder has none', async () => {
    // Prepare / Act
    const { reference, signature: loadedSignature } = await fetchModelArtifacts({
      kind: 'local',
      directory: dir,
    });

    // Assess
    expect(reference).toEqual({ status: 'absent', location: path.join(dir, 'reference.json') });
    expect(loadedSignature.run_id).toBe(DEFAULT_RUN_ID);
  });

  it('is reported invalid, naming the file and the field, when it breaks the schema', async () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'reference.json'), JSON.stringify({ run_id: DEFAULT_RUN_ID, rows: -1 }));

    // Act
    const { reference } = await fetchModelArtifacts({ kind: 'local', directory: dir });

    // Assess
    expect(reference.status).toBe('invalid');
    expect(reference.status === 'invalid' && reference.error.message).toMatch(
      new RegExp(
        `${path.join(dir, 'reference.json').replace(/[.\\/]/g, '\\$&')} is not a valid drift reference: .*rows`,
      ),
    );
  });
});

describe('DRIFT_WINDOW_RECORDS', () => {
  const base = { MODEL_LOCATION: '/models', TEST_RUN: 'True' };

  it('sets the rolling window size, and leaves the default when unset', () => {
    // Prepare / Act
    const set = parseConfig({ ...base, DRIFT_WINDOW_RECORDS: '50000' });
    const unset = parseConfig(base);

    // Assess
    expect(set.driftWindowRecords).toBe(50_000);
    expect(unset.driftWindowRecords).toBeUndefined();
  });

  it.each(['499', '1000001', '1e4', 'many'])('refuses %p, naming the range', (value) => {
    // Prepare / Act
    const parse = () => parseConfig({ ...base, DRIFT_WINDOW_RECORDS: value });

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(`DRIFT_WINDOW_RECORDS="${value}" must be a whole number from 500 to 1000000`);
  });
});
