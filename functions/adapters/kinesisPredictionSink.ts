import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { PredictionSink, WriteReport } from '../core/sinks';
import type { Prediction, SourceCoordinates } from '../core/types';
import { OutputTooLargeError } from '../errors';
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

export interface KinesisPredictionSinkOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  readonly retry?: RetryPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
}

interface Entry {
  readonly request: PutRecordsRequestEntry;
  readonly source: SourceCoordinates;
}

/**
 * Writes predictions with PutRecords: chunks of ≤ 500 entries and ≤ 5 MiB, chunks in input order (so per-key order
 * holds on the happy path). Entries that fail (`FailedRecordCount` > 0, per-entry `ErrorCode`) or whose request throws
 * are resent, only they, with exponential backoff and full jitter, bounded by attempts and total time; a request
 * rejected with a permanent client fault (e.g. the stream does not exist) is not retried. Whatever still failed is
 * reported, never thrown, so the handler can name exactly those records in `batchItemFailures`.
 *
 * @throws OutputTooLargeError (from `write`) when one prediction exceeds Kinesis' 1 MiB entry limit
 * @example
 * const sink = createKinesisPredictionSink({ client: createKinesisClient(), streamName: 'wine-predictions', logger });
 * const { failed } = await sink.write(predictions);
 */
export function createKinesisPredictionSink(options: KinesisPredictionSinkOptions): PredictionSink {
  const policy = options.retry ?? DEFAULT_PUT_RECORDS_RETRY;
  const pause = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  async function writeChunk(chunk: readonly Entry[], deadline: number): Promise<WriteReport> {
    let pending = chunk;
    let retries = 0;
    for (let attempt = 1; ; attempt++) {
      const failed = await putOnce(pending);
      if (failed.entries.length === 0) return { failed: [], retries };
      const delay = fullJitterDelay(attempt, policy, random);
      if (failed.permanent === true || attempt >= policy.maxAttempts || now() + delay > deadline) {
        options.logger.error('PutRecords gave up on entries', {
          stream: options.streamName,
          attempts: attempt,
          failed_entries: failed.entries.length,
          error_codes: failed.codes,
        });
        return { failed: failed.entries.map((e) => e.source), retries };
      }
      options.logger.warn('PutRecords failed entries; retrying them', {
        stream: options.streamName,
        attempt,
        failed_entries: failed.entries.length,
        error_codes: failed.codes,
        delay_ms: delay,
      });
      await pause(delay);
      retries += failed.entries.length;
      pending = failed.entries;
    }
  }

  async function putOnce(
    entries: readonly Entry[],
  ): Promise<{ entries: readonly Entry[]; codes: Record<string, number>; permanent?: boolean }> {
    try {
      const response = await options.client.send(
        new PutRecordsCommand({ StreamName: options.streamName, Records: entries.map((e) => e.request) }),
      );
      if (!response.FailedRecordCount) return { entries: [], codes: {} };
      const codes: Record<string, number> = {};
      // Response entries are positional: entry i answers request entry i.
      const failed = entries.filter((_, i) => {
        const code = response.Records?.[i]?.ErrorCode;
        if (code !== undefined) codes[code] = (codes[code] ?? 0) + 1;
        return code !== undefined || response.Records?.[i] === undefined;
      });
      return { entries: failed, codes };
    } catch (error) {
      // A whole-request failure the SDK's own retries did not overcome: every entry of the request failed. A client
      // fault the SDK does not mark retryable (missing stream, access denied) will not heal within this invocation.
      const name = error instanceof Error ? error.name : 'UnknownError';
      return { entries, codes: { [name]: entries.length }, permanent: isPermanent(error) };
    }
  }

  return {
    async write(predictions: readonly Prediction[]): Promise<WriteReport> {
      const deadline = now() + policy.maxElapsedMs;
      const failed: SourceCoordinates[] = [];
      let retries = 0;
      for (const chunk of chunkEntries(predictions)) {
        const report = await writeChunk(chunk, deadline);
        failed.push(...report.failed);
        retries += report.retries;
      }
      return { failed, retries };
    },
  };
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

/** Splits predictions into PutRecords requests within the entry-count and byte limits, keeping their order. */
export function chunkEntries(predictions: readonly Prediction[]): Entry[][] {
  const chunks: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const prediction of predictions) {
    const size = prediction.data.byteLength + Buffer.byteLength(prediction.partitionKey, 'utf8');
    if (size > PUT_RECORDS_LIMITS.maxEntryBytes) {
      throw new OutputTooLargeError(
        `prediction for sequence number ${prediction.source.sequence_number} is ${size} bytes, over Kinesis' ` +
          `${PUT_RECORDS_LIMITS.maxEntryBytes}-byte record limit`,
      );
    }
    if (
      current.length === PUT_RECORDS_LIMITS.maxEntries ||
      bytes + size > PUT_RECORDS_LIMITS.maxRequestBytes
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push({
      request: { Data: prediction.data, PartitionKey: prediction.partitionKey },
      source: prediction.source,
    });
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
