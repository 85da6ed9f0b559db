/**
 * A {@link Scorer} whose onnxruntime session lives in a worker thread.
 *
 * Why: onnxruntime-node's `session.run` runs synchronously on the calling thread (its promise only defers the call
 * with `setImmediate`), so while it runs nothing else on that thread moves. A file scorer that reads, validates and
 * encodes rows on the main thread can overlap that work with scoring only by moving the session to another thread;
 * `scoreFile` then keeps a second batch in flight. The stream function does not use it: one invocation is one batch,
 * there is nothing to overlap, and Lambda's vCPU share at its memory size is about one core.
 *
 * The model bytes and signature go to the thread once; each batch's float32 buffer is transferred (not copied) to
 * the thread and the scores are transferred back. Requests are answered in the order they were sent.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ModelSignature } from '../../model/src/contract';
import type { ModelLocation } from '../config';
import type { FeatureBatch, Scorer, Scores } from '../core/scorer';
import { ModelLoadError, ModelSignatureMismatchError, ScoringError } from '../errors';
import { loadWith, type LoadModelOptions, type ReadyModel } from './modelLoader';
import type { ScoringThreadData, ScoringThreadReply, ScoringThreadRequest } from './scoringThreadProtocol';

/** A scorer on its own thread; `close` ends the thread (pending batches fail). */
export interface ThreadScorer extends Scorer {
  close(): Promise<void>;
}

export interface ThreadScorerOptions {
  readonly intraOpNumThreads: number;
}

// The entry beside this file, in this file's form: `.ts` where the code runs from source (tsx, ts-jest), `.js` in a
// build. From source the thread needs a TypeScript loader of its own: tsx's CommonJS hook (tsx is a development
// dependency, and running from source is development). Not the parent's `--import tsx`: with an `--import`, Node 20
// starts a worker's entry through the ESM loader, where tsx's hooks do not reach.
const FROM_SOURCE = path.extname(__filename) === '.ts';
const ENTRY = path.join(__dirname, `scoringThreadEntry${path.extname(__filename)}`);
const ENTRY_ARGV = FROM_SOURCE ? ['--require', require.resolve('tsx/cjs')] : [];

/**
 * Starts the thread, creates and checks the session there (the checks of `createOnnxScorer`) and resolves once it
 * is ready.
 *
 * @throws ModelLoadError / ModelSignatureMismatchError as `createOnnxScorer` would, from the thread
 * @example
 * const scorer = await createThreadScorer(bytes, signature, { intraOpNumThreads: 1 });
 * try { await scorer.score(batch); } finally { await scorer.close(); }
 */
export async function createThreadScorer(
  modelBytes: Uint8Array,
  signature: ModelSignature,
  options: ThreadScorerOptions,
): Promise<ThreadScorer> {
  const data: ScoringThreadData = { modelBytes, signature, intraOpNumThreads: options.intraOpNumThreads };
  const worker = new Worker(ENTRY, { workerData: data, execArgv: ENTRY_ARGV });
  const scorer = new WorkerScorer(worker);
  try {
    await scorer.ready;
  } catch (error) {
    await scorer.close();
    throw error;
  }
  return scorer;
}

/** A {@link ReadyModel} scored on its own thread; `scorer.close()` ends the thread. */
export interface ThreadModel extends ReadyModel {
  readonly scorer: ThreadScorer;
}

/**
 * `loadModel` with the session on a worker thread: for callers that overlap their own work with scoring
 * (`npm run predict`).
 *
 * @throws as `loadModel`
 */
export function loadModelInThread(location: ModelLocation, options: LoadModelOptions): Promise<ThreadModel> {
  return loadWith(location, options, createThreadScorer);
}

interface Pending {
  resolve(scores: Scores): void;
  reject(error: Error): void;
}

class WorkerScorer implements ThreadScorer {
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: ScoringThreadReply) => {
        if (reply.kind === 'ready') resolve();
        else if (reply.kind === 'load-failed') reject(loadError(reply));
        else this.#settle(reply);
      });
      const fail = (error: Error) => {
        this.#failure ??= error;
        reject(error);
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
      };
      worker.on('error', (error) =>
        fail(new ScoringError(`the scoring thread failed: ${error.message}`, { cause: error })),
      );
      worker.on('exit', (code) => fail(new ScoringError(`the scoring thread exited (code ${code})`)));
    });
    // Scoring reports its own failures; an unobserved `ready` must not become an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  score(batch: FeatureBatch): Promise<Scores> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<Scores>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const request: ScoringThreadRequest = {
        id,
        data: batch.data,
        rows: batch.rows,
        columns: batch.columns,
      };
      // A buffer the batch owns whole is transferred, not copied (the caller's view is detached; `toFeatureBatch`
      // makes a fresh one per batch); a view of a larger or shared buffer is copied.
      const { buffer } = batch.data;
      const whole = buffer instanceof ArrayBuffer && batch.data.byteLength === buffer.byteLength;
      this.#worker.postMessage(request, whole ? [buffer] : []);
    });
  }

  #settle(reply: Extract<ScoringThreadReply, { id: number }>): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.kind === 'score-failed') pending.reject(new ScoringError(reply.message));
    else pending.resolve({ labels: reply.labels, probabilities: reply.probabilities });
  }

  async close(): Promise<void> {
    this.#failure ??= new ScoringError('the scoring thread was closed');
    await this.#worker.terminate();
  }
}

function loadError(reply: Extract<ScoringThreadReply, { kind: 'load-failed' }>): Error {
  return reply.mismatches
    ? new ModelSignatureMismatchError(reply.mismatches)
    : new ModelLoadError(reply.message);
}
