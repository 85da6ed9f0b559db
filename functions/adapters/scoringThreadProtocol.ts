/** The messages between `scoringThread.ts` (the caller) and `scoringThreadEntry.ts` (the thread): one place for both. */
import type { ModelSignature } from '../../model/src/contract';

/** What the thread starts with (its `workerData`). */
export interface ScoringThreadData {
  readonly modelBytes: Uint8Array;
  readonly signature: ModelSignature;
  readonly intraOpNumThreads: number;
}

/** One batch to score; `data` is transferred. */
export interface ScoringThreadRequest {
  readonly id: number;
  readonly data: Float32Array;
  readonly rows: number;
  readonly columns: number;
}

/** The thread's answers: once `ready` or `load-failed`, then one per request, in request order. */
export type ScoringThreadReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'load-failed'; readonly message: string; readonly mismatches?: readonly string[] }
  | {
      readonly kind: 'scores';
      readonly id: number;
      readonly labels: Float64Array;
      readonly probabilities: Float32Array;
    }
  | { readonly kind: 'score-failed'; readonly id: number; readonly message: string };
