/**
 * The lines batch inference writes: prediction events as JSON Lines (the stream's event, docs/contract.md §2, with a
 * file `source`), or one CSV row per scored input row; and one JSON line per rejected row.
 */
import type { FileCoordinates, PredictionEvent, RejectionReason } from '../core/types';

/** Formats of the predictions file: JSON Lines of prediction events, or CSV with the class and its probability. */
export const OUTPUT_FORMATS = ['jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Columns of the CSV predictions file: the input line it belongs to, the id, the class and its probability. */
export const CSV_OUTPUT_COLUMNS = ['line', 'customer_id', 'wine_quality', 'probability'] as const;

/** A batch prediction event: the stream's event with `{ file, line }` as its source. */
export type FilePredictionEvent = PredictionEvent<FileCoordinates>;

/** One line of the rejects file: where the row is, why it was refused (the stream function's reason and detail). */
export interface RejectLine {
  readonly source: FileCoordinates;
  readonly reason: RejectionReason;
  readonly detail: string;
  /** The row as it was in the file (UTF-8 decoded), so it can be fixed and scored again. */
  readonly input: string;
}

/** The first line of a CSV predictions file. */
export function csvOutputHeader(): string {
  return `${CSV_OUTPUT_COLUMNS.join(',')}\n`;
}

/** One prediction as a line of the chosen output format, terminator included. */
export function predictionLine(event: FilePredictionEvent, format: OutputFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(event)}\n`;
  const { prediction, source } = event;
  return `${source.line},${csvCell(prediction.customer_id)},${prediction.wine_quality},${prediction.probability}\n`;
}

/** One rejected row as a JSON line, terminator included. */
export function rejectLine(reject: RejectLine): string {
  return `${JSON.stringify(reject)}\n`;
}

/** RFC 4180 quoting, only where needed (an id with a comma, quote or line break). */
function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
