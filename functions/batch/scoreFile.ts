/**
 * Scores one batch file with the stream function's core: each data line is read into the stream payload (CSV) or
 * decoded from its bytes (JSON Lines), checked by `createRecordValidator`, packed by `toFeatureBatch`, scored with one
 * `Scorer.score` (one `session.run`) per `batchSize` rows and encoded by `createPredictionEncoder`, with
 * `{ file, line }` as the source. Input and output are streamed: memory holds one input chunk and `batchesInFlight`
 * batches of rows (plus the one being filled), whatever the file's size. Every data line ends up as exactly one prediction or one reject, each file in input order.
 */
import { DEFAULT_MAX_RECORD_BYTES } from '../core/decode';
import { createPredictionEncoder } from '../core/encode';
import { toFeatureBatch } from '../core/features';
import type { ModelDescription } from '../core/model';
import type { Scorer, Scores } from '../core/scorer';
import type { FileCoordinates, RejectionReason } from '../core/types';
import { createRecordValidator, type ValidRecord } from '../core/validate';
import { DEFAULT_BATCH_ROWS } from '../contract/batch';
import { ScoringError } from '../errors';
import { ConfusionCounts } from './confusion';
import { BatchFileError } from './errors';
import {
  createCsvRowReader,
  createJsonLinesRowReader,
  detectFormat,
  parseCsvHeader,
  type InputFormat,
  type RowReader,
} from './format';
import { isBlank, splitLines } from './lines';
import { createPredictionLineWriter, csvOutputHeader, rejectLine, type OutputFormat } from './outputs';

/** Where text goes; `write` resolves once the text is accepted (so a slow destination applies back-pressure). */
export interface TextSink {
  write(text: string): Promise<void>;
}

/** Progress after each batch of rows. */
export interface BatchProgress {
  readonly rows: number;
  readonly bytesRead: number;
  readonly elapsedMs: number;
}

export interface ScoreFileOptions {
  /** How the source names the input: a path or `s3://bucket/key`. */
  readonly file: string;
  /** The input's bytes. */
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly model: ModelDescription;
  readonly scorer: Scorer;
  /** Default: detected from the first non-blank line. */
  readonly format?: InputFormat | undefined;
  /** Rows per `Scorer.score` call. Default {@link DEFAULT_BATCH_ROWS}. */
  readonly batchSize?: number | undefined;
  /**
   * Batches sent to the scorer before the oldest is awaited. Default 1: each batch is scored, then written. 2 lets a
   * scorer on another thread (`createThreadScorer`) score one batch while this thread reads and writes the next.
   */
  readonly batchesInFlight?: number | undefined;
  /** Largest JSON Lines row, as the stream function's record cap. */
  readonly maxRecordBytes?: number | undefined;
  readonly predictions: TextSink;
  readonly predictionsFormat: OutputFormat;
  readonly rejects: TextSink;
  readonly onProgress?: ((progress: BatchProgress) => void) | undefined;
  /** Called before each batch is scored; throws to stop (the Lambda deadline). */
  readonly checkTime?: (() => void) | undefined;
  readonly now?: (() => number) | undefined;
}

/** A scorer's answer: its scores, or what it threw. */
type Outcome = { readonly scores: Scores } | { readonly error: unknown };

/** A batch sent to the scorer: its rows' records, line numbers and labels, until its scores are written. */
interface InFlightBatch {
  readonly outcome: Promise<Outcome>;
  readonly valid: readonly ValidRecord[];
  readonly lines: readonly number[];
  readonly labels: readonly (number | undefined)[];
}

/** What one file gave. */
export interface BatchSummary {
  readonly file: string;
  readonly format: InputFormat;
  /** The CSV delimiter found in the header (CSV only). */
  readonly delimiter?: string;
  /** Data lines read (the header and blank lines excluded). */
  readonly rows: number;
  readonly predicted: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Partial<Record<RejectionReason, number>>>;
  readonly blankLines: number;
  /** Keys of `wine_features` (JSON Lines) the model does not use, summed: ignored, counted. */
  readonly ignoredFeatureKeys: number;
  /** (label, prediction) counts of the predicted rows that carry a label; absent when none did. */
  readonly labels?: ConfusionCounts;
  readonly bytesRead: number;
  readonly durationMs: number;
  /** Time the scorer was busy with this file's batches (from sending a batch to its answer, overlaps counted once). */
  readonly inferenceMs: number;
}

/**
 * Scores a file; see the module comment.
 *
 * @throws BatchFileError when the file cannot be scored (empty, bad header, CSV syntax, an over-long line), naming
 *   the file, line and column; nothing more is written after it
 * @throws ScoringError when the model fails (the run stops: it is not the rows' fault)
 * @example
 * const summary = await scoreFile({ file, chunks: fs.createReadStream(file), model: signature, scorer,
 *   predictions, predictionsFormat: 'jsonl', rejects });
 */
export async function scoreFile(options: ScoreFileOptions): Promise<BatchSummary> {
  const { file, model, scorer } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  const batchesInFlight = options.batchesInFlight ?? 1;
  const validate = createRecordValidator(model.features);
  const encode = createPredictionEncoder<FileCoordinates>(model);
  const classCount = model.classes.length;
  const confusion = new ConfusionCounts();
  const predictionLine = createPredictionLineWriter(options.predictionsFormat);

  let reader: RowReader | undefined;
  let format: InputFormat | undefined = options.format;
  let delimiter: string | undefined;
  let rows = 0;
  let predicted = 0;
  let blankLines = 0;
  let ignoredFeatureKeys = 0;
  let inferenceMs = 0;
  let bytesRead = 0;
  const rejectedByReason: Partial<Record<RejectionReason, number>> = {};
  let rejected = 0;

  // The batch being filled: valid records, their line numbers and labels.
  let valid: ValidRecord[] = [];
  let lines: number[] = [];
  let labels: (number | undefined)[] = [];
  let rejectText: string[] = [];

  async function flushRejects(): Promise<void> {
    if (rejectText.length === 0) return;
    const text = rejectText.join('');
    rejectText = [];
    await options.rejects.write(text);
  }

  // Batches sent to the scorer and not yet written, oldest first. Their scores are awaited in order, so output order
  // is input order however many are in flight.
  const inFlight: InFlightBatch[] = [];
  // End of the scorer's latest answer: the scorer works on one batch at a time, so its busy time is the union of
  // [sent, answered] over batches, counted from the later of a batch's sending and the previous answer.
  let lastAnswered = started;

  function sendBatch(): void {
    if (valid.length === 0) return;
    options.checkTime?.();
    const sent = now();
    // Settled into a value at once, so a batch that fails while an older one is awaited is never an unhandled
    // rejection; writeOldest rethrows it in turn.
    const outcome = scorer.score(toFeatureBatch(valid, model.features)).then(
      (scores): Outcome => {
        const answered = now();
        inferenceMs += answered - Math.max(sent, lastAnswered);
        lastAnswered = answered;
        return { scores };
      },
      (error: unknown): Outcome => ({ error }),
    );
    inFlight.push({ outcome, valid, lines, labels });
    valid = [];
    lines = [];
    labels = [];
  }

  async function writeOldest(): Promise<void> {
    const batch = inFlight.shift();
    if (!batch) return;
    const outcome = await batch.outcome;
    if ('error' in outcome) throw outcome.error;
    const { scores } = outcome;
    const count = batch.valid.length;
    if (scores.labels.length !== count || scores.probabilities.length !== count * classCount) {
      throw new ScoringError(
        `scorer returned ${scores.labels.length} labels and ${scores.probabilities.length} probabilities for ` +
          `${count} rows of a ${classCount}-class model`,
      );
    }
    const out: string[] = new Array<string>(count);
    for (let row = 0; row < count; row++) {
      const record = batch.valid[row] as ValidRecord;
      const source = { file, line: batch.lines[row] as number };
      const event = encode(row, scores.labels, scores.probabilities, source, record.customerId);
      out[row] = predictionLine(event);
      const truth = batch.labels[row];
      if (truth !== undefined) confusion.add(truth, event.prediction.wine_quality);
    }
    predicted += count;
    await options.predictions.write(out.join(''));
    options.onProgress?.({ rows, bytesRead, elapsedMs: now() - started });
  }

  /** Sends the filled batch, then writes the oldest ones until at most `depth` - 1 wait (0: all written). */
  async function scoreBatch(depth = batchesInFlight): Promise<void> {
    sendBatch();
    while (inFlight.length > 0 && inFlight.length >= depth) await writeOldest();
  }

  if (options.predictionsFormat === 'csv') await options.predictions.write(csvOutputHeader());

  for await (const chunk of splitLines(options.chunks, file)) {
    bytesRead = chunk.bytesRead;
    for (let i = 0; i < chunk.lines.length; i++) {
      const line = chunk.lines[i] as Buffer;
      const lineNumber = chunk.firstLine + i;
      if (isBlank(line)) {
        blankLines++;
        continue;
      }
      if (reader === undefined) {
        format ??= detectFormat(line.toString('utf8'));
        if (format === 'csv') {
          const layout = parseCsvHeader(line.toString('utf8'), model.features, { file, line: lineNumber });
          delimiter = layout.delimiter;
          reader = createCsvRowReader(layout, model.features, file);
          continue;
        }
        reader = createJsonLinesRowReader(options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
      }
      rows++;
      const { payload, label } = reader(line, lineNumber);
      const checked = payload.ok ? validate(payload.value) : payload;
      if (!checked.ok) {
        rejected++;
        rejectedByReason[checked.reason] = (rejectedByReason[checked.reason] ?? 0) + 1;
        rejectText.push(
          rejectLine({
            source: { file, line: lineNumber },
            reason: checked.reason,
            detail: checked.detail,
            input: line.toString('utf8'),
          }),
        );
        continue;
      }
      ignoredFeatureKeys += checked.value.ignoredKeys;
      valid.push(checked.value);
      lines.push(lineNumber);
      labels.push(label);
      if (valid.length >= batchSize) await scoreBatch();
    }
    await flushRejects();
  }
  await scoreBatch(0);
  await flushRejects();
  if (format === undefined || reader === undefined) {
    throw new BatchFileError({ file, line: 1 }, 'the file is empty: expected a CSV header or JSON Lines');
  }

  return {
    file,
    format,
    ...(delimiter === undefined ? {} : { delimiter }),
    rows,
    predicted,
    rejected,
    rejectedByReason,
    blankLines,
    ignoredFeatureKeys,
    ...(confusion.total > 0 ? { labels: confusion } : {}),
    bytesRead,
    durationMs: now() - started,
    inferenceMs,
  };
}
