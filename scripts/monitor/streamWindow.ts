/**
 * Reads a window of a Kinesis stream: every shard from a point in time (AT_TIMESTAMP) or from TRIM_HORIZON, up to a
 * record cap and the moment reading began (so a busy stream cannot keep it going forever). Shards are read round-
 * robin, one GetRecords each per round, so a cap takes records from every shard rather than from the first.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { listShardIds } from '../poller';
import type { StreamRecord } from './analysis';

export interface StreamWindow {
  /** First arrival to read; `undefined` reads everything retained. */
  readonly since: Date | undefined;
  /** Records that arrived after this are left for the next report. */
  readonly until: Date;
  /** Most records to read, over all shards. */
  readonly maxRecords: number;
}

/** Most records one GetRecords returns (the Kinesis limit). */
const GET_RECORDS_LIMIT = 10_000;

/**
 * Reads the window of one stream.
 *
 * @returns the records in arrival order per shard, and whether `maxRecords` cut the window short
 * @throws the SDK's error (e.g. `ResourceNotFoundException` for a missing stream) with the stream named
 */
export async function readStreamWindow(
  client: KinesisClient,
  streamName: string,
  window: StreamWindow,
): Promise<{ records: StreamRecord[]; capped: boolean }> {
  const shards = await withStreamName(streamName, () => listShardIds(client, streamName));
  const readers = await withStreamName(streamName, () =>
    Promise.all(
      shards.map(async (shardId) => ({
        shardId,
        iterator: await iteratorFor(client, streamName, shardId, window),
      })),
    ),
  );
  const records: StreamRecord[] = [];
  let active = readers.filter((r) => r.iterator !== undefined);
  while (active.length > 0 && records.length < window.maxRecords) {
    for (const reader of active) {
      const out = await withStreamName(streamName, () =>
        client.send(new GetRecordsCommand({ ShardIterator: reader.iterator, Limit: GET_RECORDS_LIMIT })),
      );
      let pastWindow = false;
      for (const record of out.Records ?? []) {
        const arrival = record.ApproximateArrivalTimestamp ?? new Date(0);
        if (arrival > window.until) {
          pastWindow = true;
          break;
        }
        if (records.length >= window.maxRecords) break;
        records.push({
          data: record.Data ?? new Uint8Array(),
          shardId: reader.shardId,
          sequenceNumber: record.SequenceNumber ?? '',
          arrival,
        });
      }
      const caughtUp = (out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0;
      reader.iterator = pastWindow || caughtUp ? undefined : out.NextShardIterator;
    }
    active = active.filter((r) => r.iterator !== undefined);
  }
  return { records, capped: records.length >= window.maxRecords && active.length > 0 };
}

async function iteratorFor(
  client: KinesisClient,
  streamName: string,
  shardId: string,
  window: StreamWindow,
): Promise<string | undefined> {
  const input: GetShardIteratorCommandInput =
    window.since === undefined
      ? { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }
      : {
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: window.since,
        };
  return (await client.send(new GetShardIteratorCommand(input))).ShardIterator;
}

/** Prefixes an SDK error's message with the stream, keeping its name (callers print `name: message`). */
async function withStreamName<T>(streamName: string, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    if (error instanceof Error) error.message = `stream ${streamName}: ${error.message}`;
    throw error;
  }
}
