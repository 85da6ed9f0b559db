/**
 * The on-failure record: what Lambda sends to an event source mapping's on-failure destination when it gives up on a
 * batch (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html). Like Lambda's S3
 * destination it also carries the discarded records themselves (`payload`), so nothing is lost.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/** Why the batch was discarded (Lambda's `requestContext.condition` values for stream sources). */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    /** Invocations that included these records (0 when they aged out before any). */
    readonly approximateInvokeCount: number;
  };
  /** Absent when the records were never sent to the function (aged out first). */
  readonly responseContext?: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    /** Present when the last invocation threw or timed out; absent after a partial-failure response. */
    readonly functionError?: 'Unhandled';
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: KinesisBatchInfo;
  /** The discarded records as the event the function would receive. */
  readonly payload: KinesisStreamEvent;
  /** Not in Lambda's record: the last error the poller saw, for whoever reads the destination locally. */
  readonly lastError?: string;
}

export interface FailureRecordInput {
  readonly condition: FailureCondition;
  readonly functionArn: string;
  readonly shardId: string;
  readonly streamArn: string;
  /** The discarded records as event records, oldest first; at least one. */
  readonly event: KinesisStreamEvent;
  readonly invokeCount: number;
  readonly lastOutcome?: 'function-error' | 'partial-failure';
  readonly lastError?: string;
  readonly now: Date;
}

/** Assembles the record; `event.Records` must not be empty. */
export function buildFailureRecord(input: FailureRecordInput): OnFailureRecord {
  const first = input.event.Records[0];
  const last = input.event.Records.at(-1);
  if (first === undefined || last === undefined)
    throw new Error('an on-failure record needs at least one record');
  const iso = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString();
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    ...(input.lastOutcome
      ? {
          responseContext: {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(input.lastOutcome === 'function-error' ? { functionError: 'Unhandled' as const } : {}),
          },
        }
      : {}),
    version: '1.0',
    timestamp: input.now.toISOString(),
    KinesisBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.kinesis.sequenceNumber,
      endSequenceNumber: last.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: iso(first.kinesis.approximateArrivalTimestamp),
      approximateArrivalOfLastRecord: iso(last.kinesis.approximateArrivalTimestamp),
      batchSize: input.event.Records.length,
      streamArn: input.streamArn,
    },
    payload: input.event,
    ...(input.lastError === undefined ? {} : { lastError: input.lastError }),
  };
}

/**
 * Object key Lambda's S3 on-failure destination uses:
 * `aws/lambda/<mapping UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>`.
 */
export function failureRecordKey(mappingId: string, shardId: string, at: Date): string {
  const iso = at.toISOString();
  const [yyyy, mm, dd] = iso.slice(0, 10).split('-');
  const stamp = `${iso.slice(0, 10)}T${iso.slice(11, 19).replaceAll(':', '.')}`;
  return `aws/lambda/${mappingId}/${shardId}/${yyyy}/${mm}/${dd}/${stamp}-${randomUUID()}`;
}
