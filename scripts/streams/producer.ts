/**
 * Room `scripts/streams/` — one job: put records on and read records off Kinesis streams, against AWS or the local
 * stack alike: this producer, the stream tail (`tail.ts`), the connection flags (`connection.ts`) and the
 * `put-records` / `read-predictions` CLIs.
 *
 * The producer the scripts use (put-records, the demo, the end-to-end harness): every record put with the shared
 * PutRecords writer (`functions/adapters/putRecords.ts`: chunks within the API limits in order, failed entries re-put
 * with backoff and full jitter, permanent client faults not retried), so it behaves as the function's own output does,
 * against AWS and kinesis-mock alike. Unlike the function, a producer wants every record placed or an error.
 * Note: a re-put entry lands after entries of the same partition key that succeeded first; producers that need
 * strict per-key order use PutRecord with SequenceNumberForOrdering instead.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { putRecordsWithRetry, type PutRecordsEntry } from '../../functions/adapters/putRecords';

/** One record to put. */
export type OutgoingRecord = PutRecordsEntry;

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
  /** Cap of the first backoff after a partial failure; doubles per attempt up to 5 s (full jitter). Default 100 ms. */
  readonly backoffMs?: number;
  /** Called after each chunk with the number of records placed so far. */
  readonly onProgress?: (placed: number, total: number) => void;
}

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

/**
 * Puts every record, in order, retrying the failed entries of each call. A producer has no deadline of its own, so
 * only the attempts bound the retries.
 *
 * @returns one result per input record, in input order
 * @throws {PutRecordsError} listing the records still unplaced after `maxAttempts`; the SDK's error when a call failed
 *   with a permanent client fault (stream missing, access denied, …); `EntryTooLargeError` for a record over 1 MiB
 */
export async function putRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly OutgoingRecord[],
  options: PutOptions = {},
): Promise<PutResult[]> {
  const { results } = await putRecordsWithRetry(
    {
      client,
      streamName,
      retry: {
        maxAttempts: options.maxAttempts ?? 8,
        baseDelayMs: options.backoffMs ?? 100,
        maxDelayMs: 5_000,
        maxElapsedMs: Number.POSITIVE_INFINITY,
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
    records,
  );
  const placed: PutResult[] = [];
  const unplaced: number[] = [];
  const lastErrors: string[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status === 'placed') {
      const { shardId, sequenceNumber, firstSentAtMs, attempts } = result;
      placed.push({ index, shardId, sequenceNumber, firstSentAtMs, attempts });
      continue;
    }
    if (result.permanent) throw result.requestError;
    unplaced.push(index);
    lastErrors.push(result.errorCode);
  }
  if (unplaced.length > 0) throw new PutRecordsError(unplaced, lastErrors);
  return placed;
}
