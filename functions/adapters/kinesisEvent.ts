import type { KinesisStreamEvent } from 'aws-lambda';
import type { InputRecord } from '../core/types';
import { InvalidEventError } from '../errors';

/**
 * Unwraps a Lambda Kinesis event into the core's input records. The shard id comes from each record's `eventID`
 * (`shardId-000000000000:<sequence number>`), the only place the event carries it.
 *
 * @throws InvalidEventError when the payload is not a Kinesis event, naming the first bad record
 */
export function toInputRecords(event: KinesisStreamEvent): InputRecord[] {
  const records: unknown = (event as Partial<KinesisStreamEvent> | null | undefined)?.Records;
  if (!Array.isArray(records)) {
    throw new InvalidEventError(
      'event has no Records array: is the function subscribed to a Kinesis stream?',
    );
  }
  return (records as unknown[]).map((record, index) => {
    const r = record as Partial<KinesisStreamEvent['Records'][number]> | null;
    const kinesis = r?.kinesis;
    const shardId = typeof r?.eventID === 'string' ? r.eventID.split(':')[0] : undefined;
    if (
      typeof kinesis?.data !== 'string' ||
      typeof kinesis.sequenceNumber !== 'string' ||
      typeof kinesis.partitionKey !== 'string' ||
      !shardId
    ) {
      throw new InvalidEventError(
        `Records[${index}] is not a Kinesis record (needs eventID "shardId-…:…" and kinesis.data, ` +
          'kinesis.sequenceNumber, kinesis.partitionKey)',
      );
    }
    return {
      data: kinesis.data,
      source: {
        shard_id: shardId,
        sequence_number: kinesis.sequenceNumber,
        partition_key: kinesis.partitionKey,
      },
    };
  });
}
