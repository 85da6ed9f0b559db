/**
 * The end-of-run summary of `npm run predict`: rows read, predicted, rejected by reason, wall time, rows/s, and — when
 * the input carries a `quality` label — accuracy, macro-F1 and the confusion matrix (the model package's own metrics,
 * computed from the run's label counts). As text, or as one JSON object (`--json`).
 */
import type { BatchSummary } from '../../functions/batch/scoreFile';
import { confusionReport, type ClassificationReport, type ModelSignature } from '../../model';

/** Where the run read and wrote, and what it used, beyond what the engine reports. */
export interface RunContext {
  readonly signature: Pick<ModelSignature, 'run_id' | 'feature_set' | 'features' | 'classes'>;
  readonly modelLocation: string;
  readonly output: string;
  readonly rejects: string;
  readonly batchSize: number;
  /** Whether the session ran on its own thread (`--scoring-thread`). */
  readonly scoringThread: boolean;
  /** Peak resident memory of the process, in bytes. */
  readonly maxRssBytes: number;
  /** Process CPU time (user + system, all threads) spent scoring the file, in milliseconds. */
  readonly cpuMs: number;
}

/** The summary as data (`--json`). */
export interface PredictReport {
  readonly input: string;
  readonly format: BatchSummary['format'];
  readonly delimiter?: string;
  readonly run_id: string;
  readonly model: string;
  readonly output: string;
  readonly rejects: string;
  readonly rows: number;
  readonly predicted: number;
  readonly rejected: number;
  readonly rejected_by_reason: BatchSummary['rejectedByReason'];
  readonly blank_lines: number;
  readonly batch_size: number;
  readonly scoring_thread: boolean;
  readonly wall_ms: number;
  /** Process CPU time while scoring (user + system, all threads): independent of other load on the machine. */
  readonly cpu_ms: number;
  readonly inference_ms: number;
  readonly rows_per_second: number;
  readonly max_rss_bytes: number;
  /** Present when predicted rows carried a label. */
  readonly labels?: { readonly rows: number } & Omit<ClassificationReport, 'per_class'>;
}

/** Builds the JSON summary. */
export function predictReport(summary: BatchSummary, context: RunContext): PredictReport {
  const labels = summary.labels;
  let metrics: PredictReport['labels'];
  if (labels !== undefined) {
    const { labels: classes, matrix } = labels.toMatrix(context.signature.classes);
    const report = confusionReport(classes, matrix);
    metrics = {
      rows: labels.total,
      accuracy: report.accuracy,
      macro_f1: report.macro_f1,
      confusion_matrix: report.confusion_matrix,
    };
  }
  return {
    input: summary.file,
    format: summary.format,
    ...(summary.delimiter === undefined ? {} : { delimiter: summary.delimiter }),
    run_id: context.signature.run_id,
    model: context.modelLocation,
    output: context.output,
    rejects: context.rejects,
    rows: summary.rows,
    predicted: summary.predicted,
    rejected: summary.rejected,
    rejected_by_reason: summary.rejectedByReason,
    blank_lines: summary.blankLines,
    batch_size: context.batchSize,
    scoring_thread: context.scoringThread,
    wall_ms: Math.round(summary.durationMs),
    cpu_ms: Math.round(context.cpuMs),
    inference_ms: Math.round(summary.inferenceMs),
    rows_per_second: summary.durationMs > 0 ? Math.round((summary.rows / summary.durationMs) * 1000) : 0,
    max_rss_bytes: context.maxRssBytes,
    ...(metrics === undefined ? {} : { labels: metrics }),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The summary as text, one fact per line. */
export function summaryText(report: PredictReport, signature: RunContext['signature']): string {
  const format =
    report.format === 'csv'
      ? `CSV, "${report.delimiter === '\t' ? '\\t' : report.delimiter}"-separated`
      : 'JSON Lines';
  const reasons = Object.entries(report.rejected_by_reason)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(', ');
  const lines = [
    `scored ${report.input} (${format}) with run ${report.run_id} (${signature.feature_set}: ${signature.features.join(', ')})`,
    `  rows read    ${count(report.rows)}${report.blank_lines > 0 ? ` (${count(report.blank_lines)} blank lines skipped)` : ''}`,
    `  predicted    ${count(report.predicted)} → ${report.output}`,
    `  rejected     ${count(report.rejected)}${reasons === '' ? '' : ` (${reasons})`} → ${report.rejects}`,
    `  wall time    ${(report.wall_ms / 1000).toFixed(2)} s, ${count(report.rows_per_second)} rows/s ` +
      `(session.run ${(report.inference_ms / 1000).toFixed(2)} s${report.scoring_thread ? ' on a scoring thread' : ''}, batches of ${count(report.batch_size)}); ` +
      `max RSS ${Math.round(report.max_rss_bytes / 2 ** 20)} MiB`,
  ];
  if (report.labels !== undefined) {
    const { rows, accuracy, macro_f1: macroF1, confusion_matrix: confusion } = report.labels;
    lines.push(
      `  labels       ${count(rows)} predicted rows carry a quality: accuracy ${accuracy.toFixed(4)}, macro-F1 ${macroF1.toFixed(4)}`,
      '  confusion matrix (rows: true quality, columns: predicted)',
      ...matrixText(confusion.labels, confusion.matrix).map((line) => `    ${line}`),
    );
  }
  return lines.join('\n');
}

function matrixText(labels: readonly number[], matrix: readonly (readonly number[])[]): string[] {
  const width = Math.max(5, ...matrix.flat().map((n) => String(n).length + 1));
  const cell = (text: string) => text.padStart(width);
  return [
    `${cell('')}${labels.map((l) => cell(String(l))).join('')}`,
    ...labels.map(
      (label, t) => `${cell(String(label))}${(matrix[t] ?? []).map((n) => cell(String(n))).join('')}`,
    ),
  ];
}
