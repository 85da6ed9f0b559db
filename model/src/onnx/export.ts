/**
 * Export of a trained forest to an ONNX `ai.onnx.ml` TreeEnsembleClassifier (opset 3): float input `[N, F]`, int64
 * `label` `[N]` and float `probabilities` `[N, C]` outputs, no ZipMap. The protobuf is built with `onnx-proto`
 * (generated from the official `onnx.proto`), and encoding is deterministic: the same forest and metadata give the same
 * bytes.
 */
import { onnx } from 'onnx-proto';
import { ONNX_IO } from '../contract';
import { leafVotes } from '../forest/forest';
import type { Forest } from '../forest/types';

/** ONNX IR version (ONNX 1.12, the release that introduced opset 17). */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset stamped on the model (no default-domain operator is used; runtimes expect an import). */
export const ONNX_OPSET = 17;
/** `ai.onnx.ml` opset: 3 is the newest whose TreeEnsembleClassifier onnxruntime accepts. */
export const ONNX_ML_OPSET = 3;
export const ONNX_ML_DOMAIN = 'ai.onnx.ml';
export const PRODUCER_NAME = 'wine-quality-streaming/model';

/** What the exporter needs besides the forest. */
export interface ExportOptions {
  /** Class labels in probability-column order. */
  readonly classes: readonly number[];
  readonly featureCount: number;
  /** Written to `metadata_props` in this order (keep the order fixed for byte-identical output). */
  readonly metadata: readonly (readonly [string, string])[];
  readonly producerVersion: string;
  readonly docString?: string;
}

const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;

const ints = (name: string, values: readonly number[]): onnx.IAttributeProto => ({
  name,
  type: AttributeType.INTS,
  ints: [...values],
});
const floats = (name: string, values: readonly number[]): onnx.IAttributeProto => ({
  name,
  type: AttributeType.FLOATS,
  floats: [...values],
});
const strings = (name: string, values: readonly string[]): onnx.IAttributeProto => {
  // Hundreds of thousands of node modes take only two distinct values: share one buffer per value.
  const encoded = new Map<string, Buffer>();
  const bytes = (value: string): Buffer => {
    let buffer = encoded.get(value);
    if (!buffer) encoded.set(value, (buffer = Buffer.from(value, 'utf8')));
    return buffer;
  };
  return { name, type: AttributeType.STRINGS, strings: values.map(bytes) };
};
const string = (name: string, value: string): onnx.IAttributeProto => ({
  name,
  type: AttributeType.STRING,
  s: Buffer.from(value, 'utf8'),
});

function tensorInfo(
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) },
      },
    },
  };
}

/** The TreeEnsembleClassifier attributes of a forest: one node tuple per tree node, one weight per non-zero vote. */
function ensembleAttributes(forest: Forest, classes: readonly number[]): onnx.IAttributeProto[] {
  const nodes = { tree: [] as number[], id: [] as number[], feature: [] as number[], mode: [] as string[] };
  const branch = { value: [] as number[], yes: [] as number[], no: [] as number[] };
  const votes = { tree: [] as number[], node: [] as number[], cls: [] as number[], weight: [] as number[] };
  const C = forest.classCount;
  forest.trees.forEach((tree, t) => {
    const weights = leafVotes(tree, forest.trees.length);
    for (let node = 0; node < tree.feature.length; node++) {
      const feature = tree.feature[node] as number;
      const leaf = tree.leaf[node] as number;
      nodes.tree.push(t);
      nodes.id.push(node);
      if (feature < 0) {
        nodes.feature.push(0);
        nodes.mode.push('LEAF');
        branch.value.push(0);
        branch.yes.push(0);
        branch.no.push(0);
        for (let c = 0; c < C; c++) {
          const weight = weights[leaf * C + c] as number;
          // Zero votes are left out, except with two classes: onnxruntime (1.30, measured) then takes a binary
          // shortcut that outputs [-p, p]-style probabilities unless every leaf carries a weight for both classes.
          if (weight === 0 && C > 2) continue;
          votes.tree.push(t);
          votes.node.push(node);
          votes.cls.push(c);
          votes.weight.push(weight);
        }
      } else {
        nodes.feature.push(feature);
        nodes.mode.push('BRANCH_LEQ');
        branch.value.push(tree.threshold[node] as number);
        branch.yes.push(tree.left[node] as number);
        branch.no.push(tree.right[node] as number);
      }
    }
  });
  return [
    ints('class_ids', votes.cls),
    ints('class_nodeids', votes.node),
    ints('class_treeids', votes.tree),
    floats('class_weights', votes.weight),
    ints('classlabels_int64s', classes),
    ints('nodes_falsenodeids', branch.no),
    ints('nodes_featureids', nodes.feature),
    strings('nodes_modes', nodes.mode),
    ints('nodes_nodeids', nodes.id),
    ints('nodes_treeids', nodes.tree),
    ints('nodes_truenodeids', branch.yes),
    floats('nodes_values', branch.value),
    string('post_transform', 'NONE'),
  ];
}

/**
 * Encodes `forest` as an ONNX model.
 *
 * The leaf weights are `float32(p_c / trees)` with aggregate SUM, so `probabilities` is the forest's mean class
 * distribution — exactly the arithmetic of `predictProba` in `forest/forest.ts`.
 *
 * @returns the serialized `ModelProto`
 * @example
 * const bytes = exportForest(forest, { classes: [3, 4, 5], featureCount: 3, metadata: [['run_id', id]],
 *   producerVersion: '1' });
 */
export function exportForest(forest: Forest, options: ExportOptions): Uint8Array {
  if (options.classes.length !== forest.classCount) {
    throw new RangeError(`forest has ${forest.classCount} classes, got ${options.classes.length} labels`);
  }
  const model: onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion,
    domain: 'wine_quality',
    modelVersion: 1,
    docString: options.docString ?? '',
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: ONNX_ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    metadataProps: options.metadata.map(([key, value]) => ({ key, value })),
    graph: {
      name: 'wine_quality_forest',
      node: [
        {
          name: 'forest',
          opType: 'TreeEnsembleClassifier',
          domain: ONNX_ML_DOMAIN,
          input: [ONNX_IO.input],
          output: [ONNX_IO.label, ONNX_IO.probabilities],
          attribute: ensembleAttributes(forest, options.classes),
        },
      ],
      input: [tensorInfo(ONNX_IO.input, DataType.FLOAT, ['N', options.featureCount])],
      output: [
        tensorInfo(ONNX_IO.label, DataType.INT64, ['N']),
        tensorInfo(ONNX_IO.probabilities, DataType.FLOAT, ['N', options.classes.length]),
      ],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
