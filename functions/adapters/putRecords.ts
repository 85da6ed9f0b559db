/**
 * The one Kinesis PutRecords writer, used by the function's prediction sink and by the scripts' producer. It chunks
 * entries within the API limits, in input order (so per-key order holds on the happy path), and re-sends only the
 * entries that failed — `FailedRecordCount` > 0 with a per-entry `ErrorCode`, or every entry of a request that threw —
 * with exponential backoff and full jitter, bounded by attempts and by the time since the call began. A request
 * rejected with a permanent client fault (the stream does not exist, access denied) is not retried. The SDK's own
 * retry strategy cannot do this part: it only retries whole requests, and PutRecords fails per entry inside a 200.
 * Every entry's fate is returned, never thrown: callers decide what a failure means.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { Logger } from '@aws-lambda-powertools/logger';
import { fullJitterDelay, sleep as realSleep, type RetryPolicy, type Sleep } from './backoff';

/** Kinesis PutRecords limits: entries per request, bytes per request and per entry (data + partition key). */
export const PUT_RECORDS_LIMITS = {
  maxEntries: 500,
  maxRequestBytes: 5 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024,
} as const;

/**
 * Default bounds: 8 attempts, delays capped at 2 s, no new retry after 20 s. Expected total sleep when an entry keeps
 * failing is ≈4 s (at most ≈9 s), well inside a Lambda timeout of a minute.
 */
export const DEFAULT_PUT_RECORDS_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  maxElapsedMs: 20_000,
};

/** One record to put. */
export interface PutRecordsEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** An entry over Kinesis' 1 MiB limit (data + partition key): the whole request would be refused, so none is sent. */
export class EntryTooLargeError extends Error {
  /** Position of the entry in the input. */
  readonly index: number;
  readonly bytes: number;

  constructor(index: number, bytes: number) {
    super(
      `entry ${index} is ${bytes} bytes (data + partition key), over Kinesis' ` +
        `${PUT_RECORDS_LIMITS.maxEntryBytes}-byte record limit`,
    );
    this.name = 'EntryTooLargeError';
    this.index = index;
    this.bytes = bytes;
  }
}

/** What became of one entry. */
export type EntryResult =
  | {
      readonly status: 'placed';
      readonly shardId: string;
      readonly sequenceNumber: string;
      /** PutRecords requests it took (1 = accepted at once). */
      readonly attempts: number;
      /** When it was first sent (ms, the `now` clock): the start of put → prediction latency. */
      readonly firstSentAtMs: number;
    }
  | {
      readonly status: 'failed';
      /** The entry's last `ErrorCode`, or the name of the error its last request threw. */
      readonly errorCode: string;
      readonly attempts: number;
      readonly firstSentAtMs: number;
      /** The error the last request threw, when it was the whole request that failed. */
      readonly requestError?: unknown;
      /** The request failed with a client fault that no retry would heal (missing stream, access denied). */
      readonly permanent: boolean;
    };

export interface PutRecordsOutcome {
  /** One per entry, in input order. */
  readonly results: readonly EntryResult[];
  /** Entries sent again, summed over all retries. */
  readonly retries: number;
}

export interface PutRecordsOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** Default {@link DEFAULT_PUT_RECORDS_RETRY}; `maxElapsedMs` counts from the start of the call. */
  readonly retry?: RetryPolicy;
  /** Warns on each retry and reports entries given up on; silent without one. */
  readonly logger?: Pick<Logger, 'warn' | 'error'>;
  readonly sleep?: Sleep;
  /** Uniform [0, 1) source of the jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
  /** Called after each chunk with the entries placed so far and the total. */
  readonly onProgress?: (placed: number, total: number) => void;
}

/**
 * Splits entries into PutRecords requests within the entry-count and byte limits, keeping their order.
 *
 * @returns the entries' indices, one array per request
 * @throws EntryTooLargeError for the first entry over the 1 MiB limit
 */
export function chunkPutRecords(entries: readonly PutRecordsEntry[]): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  entries.forEach((entry, index) => {
    const size = entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
    if (size > PUT_RECORDS_LIMITS.maxEntryBytes) throw new EntryTooLargeError(index, size);
    if (
      current.length === PUT_RECORDS_LIMITS.maxEntries ||
      bytes + size > PUT_RECORDS_LIMITS.maxRequestBytes
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A failed attempt: which entries, why, and whether retrying could help. */
interface Failure {
  readonly indices: readonly number[];
  readonly codes: Readonly<Record<number, string>>;
  readonly requestError?: unknown;
  readonly permanent: boolean;
}

/**
 * Puts every entry, chunk by chunk in input order, retrying failed entries within the policy.
 *
 * @returns each entry's result (placed with shard and sequence number, or failed with its last error) and the retries
 * @throws EntryTooLargeError before anything is sent, when an entry is over the 1 MiB limit
 * @example
 * const { results } = await putRecordsWithRetry({ client, streamName: 'wine-predictions' }, entries);
 */
export async function putRecordsWithRetry(
  options: PutRecordsOptions,
  entries: readonly PutRecordsEntry[],
): Promise<PutRecordsOutcome> {
  const policy = options.retry ?? DEFAULT_PUT_RECORDS_RETRY;
  const pause = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const chunks = chunkPutRecords(entries);
  const results = new Array<EntryResult | undefined>(entries.length);
  const firstSent = new Array<number>(entries.length);
  const attempts = new Array<number>(entries.length).fill(0);
  const deadline = now() + policy.maxElapsedMs;
  let retries = 0;
  let placed = 0;

  /** One request; records placed entries and returns the failed ones. */
  async function putOnce(indices: readonly number[]): Promise<Failure> {
    const sentAt = now();
    for (const index of indices) {
      firstSent[index] ??= sentAt;
      attempts[index] = (attempts[index] ?? 0) + 1;
    }
    try {
      const response = await options.client.send(
        new PutRecordsCommand({
          StreamName: options.streamName,
          Records: indices.map((index) => toRequestEntry(entries[index] as PutRecordsEntry)),
        }),
      );
      const failed: number[] = [];
      const codes: Record<number, string> = {};
      // Response entries are positional: entry i answers request entry i.
      indices.forEach((index, position) => {
        const answer = response.Records?.[position];
        if (answer?.ErrorCode === undefined && answer?.ShardId && answer.SequenceNumber) {
          placed += 1;
          results[index] = {
            status: 'placed',
            shardId: answer.ShardId,
            sequenceNumber: answer.SequenceNumber,
            attempts: attempts[index] ?? 1,
            firstSentAtMs: firstSent[index] ?? sentAt,
          };
        } else {
          failed.push(index);
          codes[index] = answer?.ErrorCode ?? (answer ? 'NoSequenceNumber' : 'NoResultEntry');
        }
      });
      return { indices: failed, codes, permanent: false };
    } catch (error) {
      // A whole-request failure the SDK's own retries did not overcome: every entry of the request failed.
      const name = error instanceof Error ? error.name : 'UnknownError';
      return {
        indices,
        codes: Object.fromEntries(indices.map((index) => [index, name])),
        requestError: error,
        permanent: isPermanent(error),
      };
    }
  }

  for (const chunk of chunks) {
    let pending: readonly number[] = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const failure = await putOnce(pending);
      if (failure.indices.length === 0) break;
      const delay = fullJitterDelay(attempt, policy, random);
      const codes = countCodes(failure);
      if (failure.permanent || attempt >= policy.maxAttempts || now() + delay > deadline) {
        options.logger?.error('PutRecords gave up on entries', {
          stream: options.streamName,
          attempts: attempt,
          failed_entries: failure.indices.length,
          error_codes: codes,
        });
        for (const index of failure.indices) {
          results[index] = {
            status: 'failed',
            errorCode: failure.codes[index] ?? 'UnknownError',
            attempts: attempts[index] ?? attempt,
            firstSentAtMs: firstSent[index] ?? now(),
            ...(failure.requestError === undefined ? {} : { requestError: failure.requestError }),
            permanent: failure.permanent,
          };
        }
        break;
      }
      options.logger?.warn('PutRecords failed entries; retrying them', {
        stream: options.streamName,
        attempt,
        failed_entries: failure.indices.length,
        error_codes: codes,
        delay_ms: delay,
      });
      await pause(delay);
      retries += failure.indices.length;
      pending = failure.indices;
    }
    options.onProgress?.(placed, entries.length);
  }
  return {
    results: results.map((result, index) => {
      if (!result) throw new Error(`PutRecords writer: entry ${index} has no result`);
      return result;
    }),
    retries,
  };
}

function toRequestEntry(entry: PutRecordsEntry): PutRecordsRequestEntry {
  return {
    Data: entry.data,
    PartitionKey: entry.partitionKey,
    ...(entry.explicitHashKey === undefined ? {} : { ExplicitHashKey: entry.explicitHashKey }),
  };
}

function countCodes(failure: Failure): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const index of failure.indices) {
    const code = failure.codes[index] ?? 'UnknownError';
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

// Client faults that are throttling, hence transient. Kinesis models these without a `$retryable` marker.
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
  'TooManyRequestsException',
]);

/** SDK errors carry `$fault` ('client' | 'server') and, for some transient ones, `$retryable`. */
function isPermanent(error: unknown): boolean {
  const sdk = error as { name?: unknown; $fault?: unknown; $retryable?: unknown } | null;
  const name = typeof sdk?.name === 'string' ? sdk.name : '';
  return sdk?.$fault === 'client' && sdk.$retryable === undefined && !THROTTLING.has(name);
}
