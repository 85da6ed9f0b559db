/**
 * A careful Kinesis producer: PutRecords in chunks within the API limits (500 records, 5 MiB), re-putting the entries
 * a call reports as failed (throttling, internal errors) with backoff. Works the same against AWS and kinesis-mock.
 * Note: a re-put entry lands after entries of the same partition key that succeeded first; producers that need
 * strict per-key order use PutRecord with SequenceNumberForOrdering instead.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';

/** One record to put. */
export interface OutgoingRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** Where a record landed. */
export interface PutResult {
  /** Position in the input list. */
  readonly index: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** When the producer first sent it (ms since epoch): the start of put→prediction latency. */
  readonly firstSentAtMs: number;
  /** PutRecords calls it took (1 = accepted at once). */
  readonly attempts: number;
}

export interface PutOptions {
  /** Calls per record before giving up. Default 8. */
  readonly maxAttempts?: number;
  /** First backoff after a partial failure; doubles per attempt up to 5 s. Default 100 ms. */
  readonly backoffMs?: number;
  /** Called after each chunk with the number of records placed so far. */
  readonly onProgress?: (placed: number, total: number) => void;
}

/** PutRecords limits: 500 entries and 5 MiB (data + partition keys) per call. */
export const PUT_RECORDS_LIMITS = { records: 500, bytes: 5 * 1024 * 1024 } as const;

/** Some records could not be placed within the allowed attempts. */
export class PutRecordsError extends Error {
  readonly unplaced: readonly number[];

  constructor(unplaced: readonly number[], lastErrors: readonly string[]) {
    super(
      `${unplaced.length} record(s) could not be put after retries (last errors: ${[...new Set(lastErrors)].join(', ')})`,
    );
    this.name = 'PutRecordsError';
    this.unplaced = unplaced;
  }
}

/** Splits entries (by index) into PutRecords-sized chunks, keeping their order. */
export function chunkForPutRecords(
  records: readonly OutgoingRecord[],
  indices: readonly number[],
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const index of indices) {
    const record = records[index];
    if (!record) continue;
    const size = record.data.byteLength + Buffer.byteLength(record.partitionKey);
    if (
      current.length > 0 &&
      (current.length === PUT_RECORDS_LIMITS.records || bytes + size > PUT_RECORDS_LIMITS.bytes)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Puts every record, in order, retrying the failed entries of each call.
 *
 * @returns one result per input record, in input order
 * @throws {PutRecordsError} listing the records still unplaced after `maxAttempts`; the SDK's error when a whole call
 *   fails after the SDK's own retries (stream missing, no credentials, …)
 */
export async function putRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly OutgoingRecord[],
  options: PutOptions = {},
): Promise<PutResult[]> {
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 100;
  const results: (PutResult | undefined)[] = new Array<PutResult | undefined>(records.length);
  const firstSent = new Map<number, number>();
  let placed = 0;

  for (const chunk of chunkForPutRecords(
    records,
    records.map((_, i) => i),
  )) {
    let pending = chunk;
    let lastErrors: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > maxAttempts) throw new PutRecordsError(pending, lastErrors);
      if (attempt > 1)
        await new Promise((r) => setTimeout(r, Math.min(backoffMs * 2 ** (attempt - 2), 5_000)));
      const sentAt = Date.now();
      for (const index of pending) if (!firstSent.has(index)) firstSent.set(index, sentAt);
      const out = await client.send(
        new PutRecordsCommand({ StreamName: streamName, Records: pending.map((i) => toEntry(records[i])) }),
      );
      const failed: number[] = [];
      lastErrors = [];
      (out.Records ?? []).forEach((entry, position) => {
        const index = pending[position];
        if (index === undefined) return;
        if (entry.SequenceNumber && entry.ShardId) {
          results[index] = {
            index,
            shardId: entry.ShardId,
            sequenceNumber: entry.SequenceNumber,
            firstSentAtMs: firstSent.get(index) ?? sentAt,
            attempts: attempt,
          };
          placed += 1;
        } else {
          failed.push(index);
          lastErrors.push(entry.ErrorCode ?? 'unknown error');
        }
      });
      if ((out.Records ?? []).length < pending.length) {
        throw new Error(
          `PutRecords answered ${(out.Records ?? []).length} entries for ${pending.length} records`,
        );
      }
      pending = failed;
    }
    options.onProgress?.(placed, records.length);
  }
  return results.map((result, index) => {
    if (!result) throw new Error(`record ${index} has no PutRecords result`);
    return result;
  });
}

function toEntry(record: OutgoingRecord | undefined): PutRecordsRequestEntry {
  if (!record) throw new Error('no record at that index');
  return {
    Data: record.data,
    PartitionKey: record.partitionKey,
    ...(record.explicitHashKey ? { ExplicitHashKey: record.explicitHashKey } : {}),
  };
}
