import type { QuarantineDocument } from './quarantine';
import type { Prediction, SourceCoordinates } from './types';

/** What a sink could not write after its retries, plus how hard it tried. */
export interface WriteReport {
  /** Source records whose output is not durably written: they go into `batchItemFailures`. */
  readonly failed: readonly SourceCoordinates[];
  /** Entries sent again after a failed attempt. */
  readonly retries: number;
}

/** Writes prediction events to the output stream. Reports failures instead of throwing. */
export interface PredictionSink {
  write(predictions: readonly Prediction[]): Promise<WriteReport>;
}

/** Stores rejected records for inspection and replay. Reports failures instead of throwing. */
export interface QuarantineSink {
  write(documents: readonly QuarantineDocument[]): Promise<WriteReport>;
}

/** Where a batch's results go: real sinks, or nowhere (`TEST_RUN=True`: the response carries them instead). */
export type Output =
  | { readonly kind: 'write'; readonly predictions: PredictionSink; readonly quarantine: QuarantineSink }
  | { readonly kind: 'dry-run' };
