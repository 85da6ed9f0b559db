import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { PredictionSink, WriteReport } from '../core/sinks';
import type { Prediction } from '../core/types';
import { OutputTooLargeError } from '../errors';
import type { RetryPolicy, Sleep } from './backoff';
import { EntryTooLargeError, PUT_RECORDS_LIMITS, putRecordsWithRetry } from './putRecords';

export interface KinesisPredictionSinkOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  readonly retry?: RetryPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
}

/**
 * Writes predictions to the output stream with the shared PutRecords writer (`putRecords.ts`: chunks within the
 * limits in input order, only failed entries re-sent with backoff and full jitter, bounded by attempts and total time,
 * permanent client faults not retried). Whatever still failed is reported, never thrown, so the handler can name
 * exactly those records in `batchItemFailures`.
 *
 * @throws OutputTooLargeError (from `write`, before anything is sent) when one prediction exceeds Kinesis' 1 MiB limit
 * @example
 * const sink = createKinesisPredictionSink({ client: createKinesisClient(), streamName: 'wine-predictions', logger });
 * const { failed } = await sink.write(predictions);
 */
export function createKinesisPredictionSink(options: KinesisPredictionSinkOptions): PredictionSink {
  const { client, streamName, logger, retry, sleep, random, now } = options;
  const writer = {
    client,
    streamName,
    logger,
    ...(retry ? { retry } : {}),
    ...(sleep ? { sleep } : {}),
    ...(random ? { random } : {}),
    ...(now ? { now } : {}),
  };
  return {
    async write(predictions: readonly Prediction[]): Promise<WriteReport> {
      let outcome;
      try {
        outcome = await putRecordsWithRetry(writer, predictions);
      } catch (error) {
        if (!(error instanceof EntryTooLargeError)) throw error;
        const prediction = predictions[error.index];
        throw new OutputTooLargeError(
          `prediction for sequence number ${prediction?.source.sequence_number ?? '?'} is ${error.bytes} bytes, ` +
            `over Kinesis' ${PUT_RECORDS_LIMITS.maxEntryBytes}-byte record limit`,
          { cause: error },
        );
      }
      return {
        failed: outcome.results.flatMap((result, index) => {
          const prediction = predictions[index];
          return result.status === 'failed' && prediction ? [prediction.source] : [];
        }),
        retries: outcome.retries,
      };
    },
  };
}
