/**
 * Reads producer input files for `npm run put-records`: JSON Lines (`.jsonl`, `.ndjson`), a JSON array (`.json`) or
 * the UCI CSV (`.csv`, semicolon-separated; each row becomes a docs/contract.md §1 record with all eleven features and its
 * row index as `customer_id`). The partition key is the record's `customer_id` when it has one, else its position.
 */
import path from 'node:path';
import { parseWineCsv } from '../../model';
import type { OutgoingRecord } from '../streams/producer';
import { wineRecord } from './wine';

export class RecordFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFileError';
  }
}

export interface RecordFileOptions {
  /** Send each JSON Lines line's bytes as they are, even when they are not JSON (to exercise the quarantine). */
  readonly raw?: boolean;
}

function partitionKeyOf(value: unknown, position: number): string {
  const id =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as { customer_id?: unknown }).customer_id
      : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : String(position);
}

/**
 * Turns a file's content into records, in file order.
 *
 * @throws {RecordFileError} naming the file and line of content that is not what its extension promises
 */
export function parseRecordFile(
  file: string,
  content: string,
  options: RecordFileOptions = {},
): OutgoingRecord[] {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') {
    const table = parseWineCsv(content, file);
    return Array.from({ length: table.rows }, (_, row) => ({
      data: Buffer.from(JSON.stringify(wineRecord(table, row))),
      partitionKey: String(row),
    }));
  }
  if (extension === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      throw new RecordFileError(`${file} is not JSON: ${(error as Error).message}`);
    }
    const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    return items.map((item, i) => ({
      data: Buffer.from(JSON.stringify(item)),
      partitionKey: partitionKeyOf(item, i),
    }));
  }
  if (extension === '.jsonl' || extension === '.ndjson') {
    const records: OutgoingRecord[] = [];
    content.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        if (!options.raw) {
          throw new RecordFileError(
            `${file}:${i + 1} is not JSON (${(error as Error).message}); use --raw to send such lines anyway`,
          );
        }
      }
      records.push({ data: Buffer.from(line), partitionKey: partitionKeyOf(parsed, records.length) });
    });
    return records;
  }
  throw new RecordFileError(`${file}: expected a .jsonl, .ndjson, .json or .csv file`);
}
