/**
 * The scorer on a worker thread (`createThreadScorer`): the same scores as the session on this thread, answers
 * matched to their batches however many are in flight, and the same load errors, raised here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RUN_ID, loadSignature, runDir } from '../../../../model/src/artifacts';
import { createOnnxScorer } from '../../../../functions/adapters/onnxScorer';
import { createThreadScorer, loadModelInThread } from '../../../../functions/adapters/scoringThread';
import type { FeatureBatch } from '../../../../functions/core/scorer';
import { ModelLoadError, ModelSignatureMismatchError, ScoringError } from '../../../../functions/errors';
import { heldOutRows } from '../../../helpers/factories';

jest.setTimeout(30_000);

const directory = runDir(DEFAULT_RUN_ID);
const modelBytes = fs.readFileSync(path.join(directory, 'model.onnx'));
const signature = loadSignature(directory);

const held = heldOutRows(directory).features;

/** Held-out rows `from`…`from + rows` as a batch in the signature's feature order. */
function batchOf(from: number, rows: number): FeatureBatch {
  const slice = held.slice(from, from + rows);
  const data = Float32Array.from(slice.flatMap((row) => signature.features.map((f) => row[f])));
  return { data, rows: slice.length, columns: signature.features.length };
}

describe('scoring on a worker thread', () => {
  it('gives every batch of several in flight the scores the session on this thread gives it', async () => {
    // Prepare
    const here = await createOnnxScorer(modelBytes, signature, { intraOpNumThreads: 1 });
    const thread = await createThreadScorer(modelBytes, signature, { intraOpNumThreads: 1 });
    const batches = [batchOf(0, 50), batchOf(50, 3), batchOf(53, 120), batchOf(173, 1)];
    try {
      const expected = [];
      for (const batch of batches) {
        const scores = await here.score({ ...batch, data: batch.data.slice() });
        expected.push({ labels: Array.from(scores.labels), probabilities: Array.from(scores.probabilities) });
      }

      // Act: all four sent before any answer is awaited
      const answers = await Promise.all(batches.map((batch) => thread.score(batch)));

      // Assess
      expect(
        answers.map((s) => ({ labels: Array.from(s.labels), probabilities: Array.from(s.probabilities) })),
      ).toEqual(expected);
      expect(new Set(expected.flatMap((e) => e.labels)).size).toBeGreaterThan(1);
    } finally {
      await thread.close();
      await here.session.release();
    }
  });

  it('refuses a batch once closed, with a ScoringError', async () => {
    // Prepare
    const thread = await createThreadScorer(modelBytes, signature, { intraOpNumThreads: 1 });

    // Act
    await thread.close();

    // Assess
    await expect(thread.score(batchOf(0, 2))).rejects.toThrow(ScoringError);
    await expect(thread.score(batchOf(0, 2))).rejects.toThrow('the scoring thread was closed');
  });

  it('raises the session’s load errors here: bytes that are not a model, a signature that does not match', async () => {
    // Act
    const notAModel = createThreadScorer(new Uint8Array([1, 2, 3]), signature, { intraOpNumThreads: 1 });
    const wrongClasses = createThreadScorer(
      modelBytes,
      { ...signature, classes: [...signature.classes, 10] },
      { intraOpNumThreads: 1 },
    );

    // Assess
    await expect(notAModel).rejects.toThrow(ModelLoadError);
    await expect(notAModel).rejects.toThrow('onnxruntime cannot load model.onnx');
    await expect(wrongClasses).rejects.toThrow(ModelSignatureMismatchError);
    const mismatch = (await wrongClasses.catch((e: unknown) => e)) as ModelSignatureMismatchError;
    expect(mismatch.mismatches.join('\n')).toContain(
      `signature lists ${signature.classes.length + 1} classes`,
    );
  });

  it('loads a committed run by location, with its signature and where it came from', async () => {
    // Act
    const model = await loadModelInThread({ kind: 'local', directory }, { intraOpNumThreads: 1 });

    // Assess
    try {
      expect(model.signature.run_id).toBe(DEFAULT_RUN_ID);
      expect(model.location).toContain(DEFAULT_RUN_ID);
      const scores = await model.scorer.score(batchOf(0, 4));
      expect(scores.labels).toHaveLength(4);
    } finally {
      await model.scorer.close();
    }
  });
});
