/**
 * Builds invocation events exactly as Lambda's Kinesis event source mapping does
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html, "Example event").
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A record as read from a shard, before it becomes part of an event. */
export interface ShardRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly approximateArrivalTimestamp: Date;
}

/** Where the records come from: fixed for one shard consumer. */
export interface EventSource {
  readonly shardId: string;
  readonly streamArn: string;
  readonly awsRegion: string;
  readonly invokeIdentityArn: string;
}

/**
 * One event record. `approximateArrivalTimestamp` is in seconds with a fraction (Lambda's format, unlike the
 * milliseconds of the Kinesis API) and `eventID` is `<shardId>:<sequenceNumber>`.
 */
export function toEventRecord(record: ShardRecord, source: EventSource): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data).toString('base64'),
      approximateArrivalTimestamp: record.approximateArrivalTimestamp.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.awsRegion,
    eventSourceARN: source.streamArn,
  };
}

/** The event for one invocation: records of a single shard, in shard order. */
export function buildKinesisEvent(records: readonly ShardRecord[], source: EventSource): KinesisStreamEvent {
  return { Records: records.map((record) => toEventRecord(record, source)) };
}

/**
 * Lambda's synchronous invocation payload limit (6 MB). A batch stops growing before its event would exceed it, the
 * way Lambda cuts batches by size as well as by count.
 */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

// The JSON around one record's data: keys, ARNs, sequence number, timestamps. Measured ≈450 bytes; rounded up.
const RECORD_OVERHEAD_BYTES = 600;

/** How many records from the front fit in one event: at least one, at most `maxCount`, within the payload limit. */
export function recordsThatFit(
  records: readonly ShardRecord[],
  maxCount: number,
  maxBytes = MAX_PAYLOAD_BYTES,
): number {
  let bytes = 0;
  let count = 0;
  for (const record of records.slice(0, maxCount)) {
    bytes += Math.ceil(record.data.byteLength / 3) * 4 + RECORD_OVERHEAD_BYTES;
    if (count > 0 && bytes > maxBytes) break;
    count += 1;
  }
  return count;
}
