/**
 * Batch inference's S3 layout and limits (docs/batch-inference.md): where a dropped file must land to be scored, where
 * its predictions and rejected rows go, and the keys derived from the input key. One source of truth for the batch
 * handler, the local stack's trigger and the infrastructure's notification filter and IAM prefixes. No imports, so infra
 * can read it cheaply.
 */

/** Key prefixes of batch inference inside its bucket, each with a trailing slash. */
export const BATCH_PREFIXES = {
  /** An object created under this prefix is scored (the S3 notification's filter). */
  input: 'batch/input/',
  /** `batch/output/<relative key>.predictions.jsonl`: one prediction event per scored row. */
  output: 'batch/output/',
  /** `batch/rejects/<relative key>.jsonl`: one line per rejected row (source, reason, detail). */
  rejects: 'batch/rejects/',
} as const;

/** Rows per `session.run` by default: measured fastest for the committed forests (1,000 beat 5,000 rows per call). */
export const DEFAULT_BATCH_ROWS = 1000;

/** Output and rejects keys of an input key under {@link BATCH_PREFIXES}.input. */
export interface BatchObjectKeys {
  readonly output: string;
  readonly rejects: string;
}

/**
 * The output and rejects keys of a dropped input object: its key relative to the input prefix, under the output and
 * rejects prefixes. `undefined` for a key outside the input prefix (never scored: no loop can start from an output).
 *
 * @example
 * batchObjectKeys('batch/input/2024/red.csv');
 * // { output: 'batch/output/2024/red.csv.predictions.jsonl', rejects: 'batch/rejects/2024/red.csv.jsonl' }
 */
export function batchObjectKeys(inputKey: string): BatchObjectKeys | undefined {
  if (!inputKey.startsWith(BATCH_PREFIXES.input) || inputKey.endsWith('/')) return undefined;
  const relative = inputKey.slice(BATCH_PREFIXES.input.length);
  return {
    output: `${BATCH_PREFIXES.output}${relative}.predictions.jsonl`,
    rejects: `${BATCH_PREFIXES.rejects}${relative}.jsonl`,
  };
}
