import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelSignature } from '../../model/src/contract';
import type { FeatureBatch, Scorer, Scores } from '../core/scorer';
import { ModelLoadError, ModelSignatureMismatchError, ScoringError } from '../errors';

export interface OnnxScorerOptions {
  /**
   * Threads for one operator. Set explicitly: onnxruntime otherwise sizes its pool from the host's cores, which on
   * Lambda is not the function's vCPU share. Default 1.
   */
  readonly intraOpNumThreads?: number;
}

/** A {@link Scorer} backed by one onnxruntime session; `session` is exposed for benchmarks. */
export interface OnnxScorer extends Scorer {
  readonly session: InferenceSession;
}

/**
 * Creates the ONNX session and checks it against the signature before accepting it: input name, float32 `[N, F]`
 * shape with F = the signature's feature count, output names as tensors, class count, and a 2-row probe run whose
 * labels must be among the signature's classes.
 *
 * @param modelBytes - contents of `model.onnx`
 * @param signature - the validated `signature.json` of the same run
 * @throws ModelLoadError when onnxruntime cannot load the bytes
 * @throws ModelSignatureMismatchError listing every disagreement between signature and graph
 * @example
 * const scorer = await createOnnxScorer(bytes, signature, { intraOpNumThreads: 1 });
 * const { labels, probabilities } = await scorer.score({ data, rows, columns });
 */
export async function createOnnxScorer(
  modelBytes: Uint8Array,
  signature: ModelSignature,
  options: OnnxScorerOptions = {},
): Promise<OnnxScorer> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(modelBytes, {
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new ModelLoadError(`onnxruntime cannot load model.onnx: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const scorer = new SessionScorer(session, signature);
  const mismatches = checkGraph(session, signature);
  if (mismatches.length === 0) mismatches.push(...(await probe(scorer, signature)));
  if (mismatches.length > 0) {
    await session.release();
    throw new ModelSignatureMismatchError(mismatches);
  }
  return scorer;
}

class SessionScorer implements OnnxScorer {
  readonly #io: ModelSignature['onnx'];
  readonly #classes: readonly number[];

  constructor(
    readonly session: InferenceSession,
    signature: ModelSignature,
  ) {
    this.#io = signature.onnx;
    this.#classes = signature.classes;
  }

  async score(batch: FeatureBatch): Promise<Scores> {
    let outputs: InferenceSession.ReturnType;
    try {
      const input = new Tensor('float32', batch.data, [batch.rows, batch.columns]);
      outputs = await this.session.run({ [this.#io.input]: input }, [this.#io.label, this.#io.probabilities]);
    } catch (error) {
      throw new ScoringError(`session.run failed on ${batch.rows} rows: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const probabilities = outputs[this.#io.probabilities]?.data;
    const rawLabels = outputs[this.#io.label]?.data;
    if (
      !(probabilities instanceof Float32Array) ||
      rawLabels === undefined ||
      typeof rawLabels === 'string'
    ) {
      throw new ScoringError('model outputs are not a float32 probabilities tensor and a label tensor');
    }
    // ai.onnx.ml TreeEnsembleClassifier reports the wrong label for exactly two classes; argmax is always right.
    const labels =
      this.#classes.length === 2
        ? argmaxLabels(probabilities, this.#classes, batch.rows)
        : Array.from(rawLabels as ArrayLike<number | bigint>, Number);
    return { labels, probabilities };
  }
}

function argmaxLabels(probabilities: Float32Array, classes: readonly number[], rows: number): number[] {
  const width = classes.length;
  return Array.from({ length: rows }, (_, row) => {
    let best = 0;
    for (let c = 1; c < width; c++) {
      if ((probabilities[row * width + c] ?? 0) > (probabilities[row * width + best] ?? 0)) best = c;
    }
    return classes[best] as number;
  });
}

/** Static checks of the graph's declared inputs and outputs against the signature. */
export function checkGraph(session: InferenceSession, signature: ModelSignature): string[] {
  const mismatches: string[] = [];
  const { input, label, probabilities } = signature.onnx;
  const featureCount = signature.features.length;
  const classCount = signature.classes.length;

  if (session.inputNames.length !== 1 || session.inputNames[0] !== input) {
    mismatches.push(
      `graph inputs are [${session.inputNames.join(', ')}]; signature expects exactly ["${input}"]`,
    );
  }
  const inputMeta = session.inputMetadata.find((m) => m.name === input);
  if (inputMeta?.isTensor) {
    if (inputMeta.type !== 'float32') mismatches.push(`input "${input}" is ${inputMeta.type}, not float32`);
    const [, columns] = inputMeta.shape;
    if (inputMeta.shape.length !== 2) {
      mismatches.push(`input "${input}" has shape [${inputMeta.shape.join(', ')}], not [N, ${featureCount}]`);
    } else if (typeof columns === 'number' && columns !== featureCount) {
      mismatches.push(
        `input "${input}" takes ${columns} features; signature lists ${featureCount} (${signature.features.join(', ')})`,
      );
    }
  } else if (inputMeta) {
    mismatches.push(`input "${input}" is not a tensor`);
  }

  for (const name of [label, probabilities]) {
    const meta = session.outputMetadata.find((m) => m.name === name);
    if (!meta) {
      mismatches.push(`graph has no output "${name}" (outputs: [${session.outputNames.join(', ')}])`);
    } else if (!meta.isTensor) {
      mismatches.push(`output "${name}" is not a tensor (a ZipMap?); export the classifier without ZipMap`);
    }
  }
  const probabilitiesMeta = session.outputMetadata.find((m) => m.name === probabilities);
  if (probabilitiesMeta?.isTensor) {
    const [, columns] = probabilitiesMeta.shape;
    if (typeof columns === 'number' && columns !== classCount) {
      mismatches.push(
        `output "${probabilities}" has ${columns} columns; signature lists ${classCount} classes (${signature.classes.join(', ')})`,
      );
    }
  }
  return mismatches;
}

/** Scores two rows, which shows a fixed batch size, a wrong class count or labels outside the signature's classes. */
async function probe(scorer: Scorer, signature: ModelSignature): Promise<string[]> {
  const columns = signature.features.length;
  const classCount = signature.classes.length;
  let scores: Scores;
  try {
    scores = await scorer.score({ data: new Float32Array(2 * columns).fill(1), rows: 2, columns });
  } catch (error) {
    return [`a 2-row probe run failed: ${(error as Error).message}`];
  }
  const mismatches: string[] = [];
  if (scores.probabilities.length !== 2 * classCount) {
    mismatches.push(
      `probe returned ${scores.probabilities.length / 2} probabilities per row; signature lists ${classCount} classes`,
    );
  }
  const unknown = Array.from(scores.labels).filter((l) => !signature.classes.includes(l));
  if (unknown.length > 0) {
    mismatches.push(
      `probe returned label(s) ${unknown.join(', ')}, not among classes ${signature.classes.join(', ')}`,
    );
  }
  return mismatches;
}
