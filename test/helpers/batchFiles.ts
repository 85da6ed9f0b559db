/**
 * Builders for batch-inference tests: run `scoreFile` on text held in memory (optionally cut into tiny chunks, to
 * cross every chunk boundary), collecting what it writes.
 */
import type { ModelDescription } from '../../functions/core/model';
import type { Scorer } from '../../functions/core/scorer';
import type { InputFormat } from '../../functions/batch/format';
import type { OutputFormat } from '../../functions/batch/outputs';
import { scoreFile, type BatchSummary, type TextSink } from '../../functions/batch/scoreFile';

/** A sink that keeps everything written to it. */
export function collectingSink(): TextSink & { text: () => string; lines: () => string[] } {
  const parts: string[] = [];
  return {
    write: (text) => {
      parts.push(text);
      return Promise.resolve();
    },
    text: () => parts.join(''),
    lines: () =>
      parts
        .join('')
        .split('\n')
        .filter((line) => line !== ''),
  };
}

/** Yields `bytes` in chunks of `size` bytes. */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) {
    await Promise.resolve();
    yield bytes.subarray(start, start + size);
  }
}

export interface ScoredText {
  readonly summary: BatchSummary;
  readonly predictions: string[];
  readonly rejects: string[];
}

/** Scores `text` as the file `file`; `chunkSize` cuts the input (default: one chunk). */
export async function scoreText(
  text: string | Uint8Array,
  options: {
    readonly model: ModelDescription;
    readonly scorer: Scorer;
    readonly file?: string;
    readonly format?: InputFormat;
    readonly output?: OutputFormat;
    readonly batchSize?: number;
    readonly batchesInFlight?: number;
    readonly chunkSize?: number;
    readonly now?: () => number;
  },
): Promise<ScoredText> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const predictions = collectingSink();
  const rejects = collectingSink();
  const summary = await scoreFile({
    file: options.file ?? 'wines.csv',
    chunks: chunksOf(bytes, options.chunkSize ?? Math.max(1, bytes.length)),
    model: options.model,
    scorer: options.scorer,
    format: options.format,
    batchSize: options.batchSize,
    batchesInFlight: options.batchesInFlight,
    now: options.now,
    predictions,
    predictionsFormat: options.output ?? 'jsonl',
    rejects,
  });
  return { summary, predictions: predictions.lines(), rejects: rejects.lines() };
}
