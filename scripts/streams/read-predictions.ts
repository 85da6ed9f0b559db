/**
 * `npm run read-predictions -- [--stream wine-predictions] [--local | --endpoint-url <url>] [--follow]`: prints the
 * records of every shard of a stream as JSON Lines (the decoded `data`), from TRIM_HORIZON or LATEST. Without
 * `--follow` it stops once every shard is caught up. Works the same against AWS and the local stack.
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
import '../node20-sdk-warning';
import { CliUsageError, runStreamsCli } from './cli';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, kinesisClientFor } from './connection';
import { StreamTail, type TailRecord } from './tail';
import { LOCAL_DEFAULTS } from '../local-stack/config';

const USAGE = `Usage: npm run read-predictions -- [options]

  --stream <name>         stream to read (default: $PREDICTIONS_STREAM_NAME or ${LOCAL_DEFAULTS.predictionsStream})
  --from <position>       TRIM_HORIZON (default: everything retained) or LATEST (only new records)
  --follow                keep reading until Ctrl-C
  --limit <n>             stop after n records
  --with-metadata         wrap each record: {"shard_id", "sequence_number", "arrival", "data"}
${CONNECTION_USAGE}`;

function render(record: TailRecord, withMetadata: boolean): string {
  const text = Buffer.from(record.data).toString('utf8');
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // Not JSON: printed as a string.
  }
  if (!withMetadata) return JSON.stringify(data);
  return JSON.stringify({
    shard_id: record.shardId,
    sequence_number: record.sequenceNumber,
    arrival: record.approximateArrivalTimestamp.toISOString(),
    data,
  });
}

runStreamsCli(
  'read-predictions',
  USAGE,
  {
    ...CONNECTION_OPTIONS,
    stream: { type: 'string' },
    from: { type: 'string', default: 'TRIM_HORIZON' },
    follow: { type: 'boolean', default: false },
    limit: { type: 'string' },
    'with-metadata': { type: 'boolean', default: false },
  },
  async (values) => {
    const from = values.from;
    const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
    if (
      (from !== 'TRIM_HORIZON' && from !== 'LATEST') ||
      !(limit >= 1) ||
      (values.limit !== undefined && !Number.isInteger(limit))
    ) {
      throw new CliUsageError('--from must be TRIM_HORIZON or LATEST, --limit a positive whole number');
    }
    const stream = values.stream ?? process.env.PREDICTIONS_STREAM_NAME ?? LOCAL_DEFAULTS.predictionsStream;
    const { client } = kinesisClientFor(values);
    const logger = {
      info: (m: string) => console.error(m),
      warn: (m: string) => console.error(m),
      error: (m: string) => console.error(m),
    };
    const tail = await StreamTail.open(client, stream, from, logger);
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        stop.abort();
        tail.close();
      });
    }
    let printed = 0;
    try {
      while (!stop.signal.aborted && printed < limit) {
        const records = await tail.poll();
        for (const record of records.slice(0, limit - printed))
          console.log(render(record, values['with-metadata']));
        printed += Math.min(records.length, limit - printed);
        if (records.length === 0) {
          if (!values.follow && tail.caughtUp) break;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    } finally {
      tail.close();
    }
    return 0;
  },
);
