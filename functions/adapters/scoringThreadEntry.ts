/**
 * The scoring thread (started by `scoringThread.ts`): opens the session with `createOnnxScorer` (the same checks as on
 * the main thread), says `ready` or why not, then answers each batch with its scores, transferring the buffers back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ModelSignatureMismatchError } from '../errors';
import { createOnnxScorer, type OnnxScorer } from './onnxScorer';
import type { ScoringThreadData, ScoringThreadReply, ScoringThreadRequest } from './scoringThreadProtocol';

if (!parentPort) throw new Error('scoringThreadEntry runs only as a worker thread (see scoringThread.ts)');
const port = parentPort;
const send = (reply: ScoringThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function start(data: ScoringThreadData): Promise<void> {
  let scorer: OnnxScorer;
  try {
    scorer = await createOnnxScorer(data.modelBytes, data.signature, {
      intraOpNumThreads: data.intraOpNumThreads,
    });
  } catch (error) {
    const { message } = error as Error;
    send({
      kind: 'load-failed',
      message,
      ...(error instanceof ModelSignatureMismatchError ? { mismatches: error.mismatches } : {}),
    });
    return;
  }
  // Batches are scored one at a time, in arrival order: the caller matches answers to requests by id.
  let queue = Promise.resolve();
  port.on('message', (request: ScoringThreadRequest) => {
    queue = queue.then(async () => {
      try {
        const scores = await scorer.score(request);
        const labels = Float64Array.from(scores.labels);
        // A copy: onnxruntime's output may be a view of memory that cannot be transferred.
        const probabilities = Float32Array.from(scores.probabilities);
        send({ kind: 'scores', id: request.id, labels, probabilities }, [
          labels.buffer,
          probabilities.buffer,
        ]);
      } catch (error) {
        send({ kind: 'score-failed', id: request.id, message: (error as Error).message });
      }
    });
  });
  send({ kind: 'ready' });
}

void start(workerData as ScoringThreadData);
