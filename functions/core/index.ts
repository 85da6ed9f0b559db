/** The pure core of the inference function: no AWS SDK, no onnxruntime, no I/O. */
export { decodeRecord, DEFAULT_MAX_RECORD_BYTES } from './decode';
export { createPredictionEncoder } from './encode';
export { toFeatureBatch } from './features';
export { handleBatch, type BatchOutcome, type HandleBatchDependencies } from './handleBatch';
export type { ModelDescription } from './model';
export { createBatchProcessor, type BatchProcessor, type BatchResult } from './processBatch';
export { quarantineKey, toQuarantineDocument, type QuarantineDocument } from './quarantine';
export type { FeatureBatch, Scorer, Scores } from './scorer';
export type { Output, PredictionSink, QuarantineSink, WriteReport } from './sinks';
export * from './types';
export { createRecordValidator, type ValidRecord } from './validate';
