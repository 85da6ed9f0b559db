/**
 * The export gate: score rows with onnxruntime-node and with the in-memory forest and demand the same labels and
 * probabilities. A model that fails it is never written.
 */
import * as ort from 'onnxruntime-node';
import { ONNX_IO } from '../contract';
import { ParityError } from '../errors';
import { argmax, predictProba } from '../forest/forest';
import type { Forest } from '../forest/types';

/** Largest accepted absolute difference between an ONNX and an in-memory probability. */
export const PARITY_TOLERANCE = 1e-5;

/** Outcome of a parity check. */
export interface ParityReport {
  readonly rows: number;
  readonly labelMismatches: number;
  readonly maxProbabilityDifference: number;
}

/** What onnxruntime computed for a batch. */
export interface OnnxScores {
  readonly labels: BigInt64Array;
  readonly probabilities: Float32Array;
}

/**
 * Scores `rows` float32 rows with an ONNX model in onnxruntime-node. One intra-op thread: the runtime then sums the trees
 * in order, which is the order the in-memory forest uses.
 */
export async function scoreWithOnnx(model: Uint8Array, x: Float32Array, rows: number): Promise<OnnxScores> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const featureCount = x.length / rows;
    const input = new ort.Tensor('float32', x, [rows, featureCount]);
    const result = await session.run({ [ONNX_IO.input]: input });
    const label = result[ONNX_IO.label];
    const probabilities = result[ONNX_IO.probabilities];
    if (label?.type !== 'int64' || probabilities?.type !== 'float32') {
      throw new TypeError(
        `ONNX outputs have unexpected types: label ${label?.type}, probabilities ${probabilities?.type}`,
      );
    }
    return { labels: label.data as BigInt64Array, probabilities: probabilities.data as Float32Array };
  } finally {
    await session.release();
  }
}

/**
 * Compares the ONNX model with the forest on `rows` rows and throws unless every `label` output equals the forest's
 * class (argmax of its probabilities, first on ties) and every probability is within {@link PARITY_TOLERANCE}.
 *
 * With two classes onnxruntime's `label` output does not follow the probabilities (1.30, measured), so binary models
 * are compared on the argmax of the ONNX probabilities; consumers should do the same (the function does).
 *
 * @throws {@link ParityError} when the check fails
 */
export async function checkParity(
  model: Uint8Array,
  forest: Forest,
  classes: readonly number[],
  x: Float32Array,
  rows: number,
): Promise<ParityReport> {
  const onnx = await scoreWithOnnx(model, x, rows);
  const expected = predictProba(forest, x, rows);
  const C = forest.classCount;
  let labelMismatches = 0;
  let maxProbabilityDifference = 0;
  for (let i = 0; i < rows; i++) {
    const expectedLabel = classes[argmax(expected, i * C, C)];
    const onnxLabel = C === 2 ? classes[argmax(onnx.probabilities, i * C, C)] : Number(onnx.labels[i]);
    if (onnxLabel !== expectedLabel) labelMismatches++;
    for (let c = 0; c < C; c++) {
      const difference = Math.abs(
        (onnx.probabilities[i * C + c] as number) - (expected[i * C + c] as number),
      );
      if (!(difference <= maxProbabilityDifference)) maxProbabilityDifference = difference;
    }
  }
  if (labelMismatches > 0 || !(maxProbabilityDifference < PARITY_TOLERANCE)) {
    throw new ParityError(labelMismatches, maxProbabilityDifference, rows);
  }
  return { rows, labelMismatches, maxProbabilityDifference };
}
