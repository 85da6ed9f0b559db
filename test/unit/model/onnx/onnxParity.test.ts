import { onnx } from 'onnx-proto';
import { ONNX_IO } from '../../../../model/src/contract';
import { ParityError } from '../../../../model/src/errors';
import { argmax, predictProba, trainForest } from '../../../../model/src/forest/forest';
import { presort } from '../../../../model/src/forest/presort';
import { exportForest, ONNX_ML_OPSET } from '../../../../model/src/onnx/export';
import { checkParity, scoreWithOnnx } from '../../../../model/src/onnx/parity';
import { datasetOf, separableBands } from '../../../helpers/modelFixtures';

/** A noisy 4-class problem on 3 features: overlapping classes make ties and mixed leaves likely. */
function noisyData(rows: number) {
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = ((i * 7919) % 1000) / 97.3;
    const b = ((i * 104729) % 1000) / 333.1;
    const c = ((i * 1299709) % 1000) / 11.7;
    x.push([a, b, c]);
    y.push((Math.floor(a + b) + (i % 3 === 0 ? 1 : 0)) % 4);
  }
  return datasetOf(x, y, [3, 5, 6, 8]);
}

const exportOptions = (classes: readonly number[], featureCount: number) => ({
  classes,
  featureCount,
  producerVersion: 'test',
  metadata: [
    ['run_id', '0123456789abcdef0123456789abcdef'],
    ['classes', JSON.stringify(classes)],
  ] as const,
});

describe('ONNX export', () => {
  it('reproduces the in-memory forest exactly in onnxruntime (labels and probabilities)', async () => {
    // Prepare
    const data = noisyData(400);
    const forest = await trainForest(
      presort(data),
      { kind: 'random-forest', trees: 25, max_features: 2, min_leaf: 2 },
      4,
    );
    const model = exportForest(forest, exportOptions(data.classes, 3));

    // Act
    const onnxScores = await scoreWithOnnx(model, data.x, data.rows);
    const expected = predictProba(forest, data.x, data.rows);

    // Assess
    expect(Array.from(onnxScores.probabilities)).toEqual(Array.from(expected));
    const labels = Array.from({ length: data.rows }, (_, i) =>
      BigInt(data.classes[argmax(expected, i * 4, 4)]!),
    );
    expect(Array.from(onnxScores.labels)).toEqual(labels);
  });

  it('passes the parity check on a multi-class forest and reports zero differences', async () => {
    // Prepare
    const data = noisyData(300);
    const forest = await trainForest(
      presort(data),
      { kind: 'extra-trees', trees: 10, max_features: 3, min_leaf: 1 },
      8,
    );
    const model = exportForest(forest, exportOptions(data.classes, 3));

    // Act
    const report = await checkParity(model, forest, data.classes, data.x, data.rows);

    // Assess
    expect(report).toEqual({ rows: 300, labelMismatches: 0, maxProbabilityDifference: 0 });
  });

  it('fails the parity check when the graph is not the forest it is compared with', async () => {
    // Prepare
    const data = noisyData(300);
    const params = { kind: 'random-forest', trees: 10, max_features: 2, min_leaf: 1 } as const;
    const forest = await trainForest(presort(data), params, 1);
    const other = await trainForest(presort(data), params, 2);
    const model = exportForest(other, exportOptions(data.classes, 3));

    // Act
    const check = checkParity(model, forest, data.classes, data.x, data.rows);

    // Assess
    await expect(check).rejects.toThrow(ParityError);
    await expect(check).rejects.toThrow(/label mismatches, max probability difference/);
  });

  it('learns a separable binary set exactly, as seen through the ONNX probabilities', async () => {
    // Prepare
    const { rows, labels } = separableBands(15);
    const binary = labels.map((label) => (label === 2 ? 1 : 0));
    const data = datasetOf(rows, binary, [0, 1]);
    const forest = await trainForest(
      presort(data),
      { kind: 'random-forest', trees: 9, max_features: 1, min_leaf: 1 },
      3,
    );
    const model = exportForest(forest, exportOptions(data.classes, 2));

    // Act
    const { probabilities } = await scoreWithOnnx(model, data.x, data.rows);
    const report = await checkParity(model, forest, data.classes, data.x, data.rows);

    // Assess
    const predicted = Array.from({ length: data.rows }, (_, i) => argmax(probabilities, i * 2, 2));
    expect(predicted).toEqual(binary);
    expect(report.labelMismatches).toBe(0);
  });

  it('gives onnxruntime exact binary probabilities, leaves with a single class included', async () => {
    // Prepare: mixed leaves and pure leaves of either class (onnxruntime's `label` output is unreliable with two
    // classes, so the parity check compares the argmax of its probabilities)
    const noisy = noisyData(300);
    const data = { ...noisy, classes: [0, 1], y: noisy.y.map((c) => (c >= 2 ? 1 : 0)) };
    const forest = await trainForest(
      presort(data),
      { kind: 'random-forest', trees: 15, max_features: 2, min_leaf: 3 },
      6,
    );
    const model = exportForest(forest, exportOptions(data.classes, 3));

    // Act
    const report = await checkParity(model, forest, data.classes, data.x, data.rows);

    // Assess
    expect(report.labelMismatches).toBe(0);
    expect(report.maxProbabilityDifference).toBe(0);
  });

  it('declares a float [N, F] input, int64 [N] label and float [N, C] probabilities, without ZipMap', async () => {
    // Prepare
    const data = noisyData(100);
    const forest = await trainForest(
      presort(data),
      { kind: 'random-forest', trees: 3, max_features: 2, min_leaf: 1 },
      1,
    );

    // Act
    const decoded = onnx.ModelProto.decode(exportForest(forest, exportOptions(data.classes, 3)));

    // Assess
    const graph = decoded.graph!;
    const dims = (info: onnx.IValueInfoProto) =>
      info.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
    expect(graph.input!.map((i) => [i.name, i.type!.tensorType!.elemType, dims(i)])).toEqual([
      [ONNX_IO.input, onnx.TensorProto.DataType.FLOAT, ['N', 3]],
    ]);
    expect(graph.output!.map((o) => [o.name, o.type!.tensorType!.elemType, dims(o)])).toEqual([
      [ONNX_IO.label, onnx.TensorProto.DataType.INT64, ['N']],
      [ONNX_IO.probabilities, onnx.TensorProto.DataType.FLOAT, ['N', 4]],
    ]);
    expect(graph.node!.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier']);
    expect(decoded.opsetImport.find((o) => o.domain === 'ai.onnx.ml')?.version).toBe(ONNX_ML_OPSET);
    expect(decoded.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['run_id', '0123456789abcdef0123456789abcdef'],
      ['classes', '[3,5,6,8]'],
    ]);
  });

  it('encodes the same forest to the same bytes', async () => {
    // Prepare
    const data = noisyData(200);
    const params = { kind: 'random-forest', trees: 5, max_features: 2, min_leaf: 1 } as const;

    // Act
    const first = exportForest(await trainForest(presort(data), params, 5), exportOptions(data.classes, 3));
    const second = exportForest(await trainForest(presort(data), params, 5), exportOptions(data.classes, 3));

    // Assess
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });
});
