import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { DEFAULT_RUN_ID, loadSignature, readRuns, runDir, runFiles } from '../../../model/src/artifacts';
import {
  ARTIFACT_FILES,
  FEATURE_SETS,
  referenceSchema,
  type FeatureSetName,
} from '../../../model/src/contract';
import { parseWineCsv } from '../../../model/src/data/csv';
import { DATA_FILE, REPO_ROOT } from '../../../model/src/paths';
import { trainRun, type RunMetrics } from '../../../model/src/pipeline';
import { sha256Hex } from '../../../model/src/runId';

jest.setTimeout(60_000);

const runs = readRuns();
const featureSets = Object.keys(FEATURE_SETS) as FeatureSetName[];

function attribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto {
  const found = node.attribute?.find((a) => a.name === name);
  if (!found) throw new Error(`attribute ${name} missing`);
  return found;
}

describe('committed reference runs', () => {
  it('name the 3-feature run as the default and a run for every feature set', () => {
    expect(runs.default).toBe(runs.runs.seed3);
    expect(DEFAULT_RUN_ID).toBe(runs.default);
    for (const featureSet of featureSets) expect(runs.runs[featureSet]).toBeDefined();
  });

  describe.each(featureSets)('the %s run', (featureSet) => {
    const runId = runs.runs[featureSet]!;
    const dir = runDir(runId);

    it('holds the five artifact files, all naming this run', () => {
      // Act
      const files = runFiles(dir);
      const signature = loadSignature(dir);
      const metrics = JSON.parse(fs.readFileSync(files.get(ARTIFACT_FILES.metrics)!, 'utf8')) as RunMetrics;
      const reference = referenceSchema.parse(
        JSON.parse(fs.readFileSync(files.get(ARTIFACT_FILES.reference)!, 'utf8')),
      );

      // Assess
      expect(signature.run_id).toBe(runId);
      expect(signature.feature_set).toBe(featureSet);
      expect(signature.features).toEqual([...FEATURE_SETS[featureSet]]);
      expect(metrics.run_id).toBe(runId);
      expect(reference.run_id).toBe(runId);
      expect(reference.features.map((f) => f.name)).toEqual(signature.features);
      expect(fs.readFileSync(files.get(ARTIFACT_FILES.card)!, 'utf8')).toContain(runId);
    });

    it('has an ONNX graph that agrees with its signature', () => {
      // Prepare
      const signature = loadSignature(dir);

      // Act
      const model = onnx.ModelProto.decode(fs.readFileSync(path.join(dir, ARTIFACT_FILES.model)));

      // Assess
      const graph = model.graph!;
      const [input] = graph.input!;
      expect(input!.name).toBe(signature.onnx.input);
      expect(Number(input!.type!.tensorType!.shape!.dim![1]!.dimValue)).toBe(signature.features.length);
      expect(graph.output!.map((o) => o.name)).toEqual([signature.onnx.label, signature.onnx.probabilities]);
      expect(Number(graph.output![1]!.type!.tensorType!.shape!.dim![1]!.dimValue)).toBe(
        signature.classes.length,
      );
      const [node] = graph.node!;
      expect(attribute(node!, 'classlabels_int64s').ints!.map(Number)).toEqual(signature.classes);
      const versions = Object.fromEntries(
        model.opsetImport.map((o): [string, number] => [o.domain ?? '', Number(o.version)]),
      );
      expect(versions).toEqual({ '': signature.onnx.opset, 'ai.onnx.ml': signature.onnx.ml_opset });
      const metadata = Object.fromEntries(
        model.metadataProps.map((p): [string, string] => [p.key ?? '', p.value ?? '']),
      );
      expect(metadata).toMatchObject({
        run_id: runId,
        model_name: signature.model_name,
        feature_set: featureSet,
        features: JSON.stringify(signature.features),
        classes: JSON.stringify(signature.classes),
      });
    });

    it('scores a CSV row in onnxruntime into one probability per signature class', async () => {
      // Prepare: the first row of the data, in signature order
      const signature = loadSignature(dir);
      const table = parseWineCsv(fs.readFileSync(path.join(REPO_ROOT, DATA_FILE), 'utf8'), DATA_FILE);
      const row = Float32Array.from(signature.features.map((name) => table.columns[name][0]!));
      const session = await ort.InferenceSession.create(path.join(dir, ARTIFACT_FILES.model));

      // Act
      const result = await session.run({
        [signature.onnx.input]: new ort.Tensor('float32', row, [1, row.length]),
      });
      await session.release();

      // Assess
      const probabilities = Array.from(result[signature.onnx.probabilities]!.data as Float32Array);
      expect(probabilities).toHaveLength(signature.classes.length);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });

    it('reproduces byte for byte from the code (final fit with the recorded selection)', async () => {
      // Prepare
      const bytes = fs.readFileSync(path.join(REPO_ROOT, DATA_FILE));
      const recorded = JSON.parse(
        fs.readFileSync(path.join(dir, ARTIFACT_FILES.metrics), 'utf8'),
      ) as RunMetrics;

      // Act
      const run = await trainRun({
        table: parseWineCsv(bytes.toString('utf8'), DATA_FILE),
        dataSha256: sha256Hex(bytes),
        dataFile: DATA_FILE,
        featureSet,
        seed: recorded.split.seed,
        testFraction: recorded.split.test_fraction,
        folds: recorded.cross_validation.folds,
        recordedSelection: recorded.cross_validation,
      });

      // Assess
      expect(run.runId).toBe(runId);
      for (const name of Object.values(ARTIFACT_FILES)) {
        const committed = fs.readFileSync(path.join(dir, name));
        expect({ name, identical: Buffer.from(run.files.get(name)!).equals(committed) }).toEqual({
          name,
          identical: true,
        });
      }
    });
  });
});
