/**
 * `npm run put-records -- --file <records> [--stream wine-input] [--local | --endpoint-url <url>] [--raw]`:
 * puts records on a Kinesis stream with PutRecords (chunks of ≤ 500 records / 5 MiB, failed entries retried).
 * Works the same against AWS and the local stack. Exit codes: 0 all put, 1 failure, 2 bad arguments.
 */
import '../node20-sdk-warning';
import fs from 'node:fs';
import { CliUsageError, runStreamsCli } from './cli';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, kinesisClientFor } from './connection';
import { putRecords } from './producer';
import { parseRecordFile, RecordFileError } from '../records/files';
import { LOCAL_DEFAULTS } from '../local-stack/config';

const USAGE = `Usage: npm run put-records -- --file <path> [options]

  --file <path>           records: .jsonl/.ndjson (one JSON record per line), .json (an array), .csv (UCI wine CSV)
  --stream <name>         input stream (default: $INPUT_STREAM_NAME or ${LOCAL_DEFAULTS.inputStream})
  --raw                   send JSON Lines lines byte for byte even when they are not JSON
  --limit <n>             send only the first n records
  --verbose               print shard and sequence number of every record
${CONNECTION_USAGE}`;

runStreamsCli(
  'put-records',
  USAGE,
  {
    ...CONNECTION_OPTIONS,
    file: { type: 'string' },
    stream: { type: 'string' },
    raw: { type: 'boolean', default: false },
    limit: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
  async (values) => {
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (!values.file) throw new CliUsageError('--file is required');
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new CliUsageError('--limit must be a positive whole number');
    }
    let records;
    try {
      records = parseRecordFile(values.file, fs.readFileSync(values.file, 'utf8'), { raw: values.raw });
    } catch (error) {
      if (error instanceof RecordFileError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        console.error(`put-records: ${(error as Error).message}`);
        return 2;
      }
      throw error;
    }
    records = records.slice(0, limit);
    const stream = values.stream ?? process.env.INPUT_STREAM_NAME ?? LOCAL_DEFAULTS.inputStream;
    const { client, describe } = kinesisClientFor(values);
    const started = performance.now();
    const results = await putRecords(client, stream, records);
    const seconds = (performance.now() - started) / 1000;
    if (values.verbose) {
      for (const r of results)
        console.log(
          JSON.stringify({ index: r.index, shard_id: r.shardId, sequence_number: r.sequenceNumber }),
        );
    }
    const perShard = new Map<string, number>();
    for (const r of results) perShard.set(r.shardId, (perShard.get(r.shardId) ?? 0) + 1);
    const retried = results.filter((r) => r.attempts > 1).length;
    console.log(
      `put ${results.length} record(s) on ${stream} (${describe}) in ${seconds.toFixed(2)} s` +
        ` — ${[...perShard].map(([shard, n]) => `${shard}: ${n}`).join(', ')}${retried ? `; ${retried} needed a retry` : ''}`,
    );
    return 0;
  },
);
