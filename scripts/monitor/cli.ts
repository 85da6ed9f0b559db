/**
 * `npm run monitor -- [--local | --endpoint-url <url>] [--since 1h] …`: writes `reports/drift-<timestamp>.html` and
 * prints a PSI summary. See `USAGE` in `options.ts`. Exit codes: 0 written, 1 failure, 2 bad arguments, 3 drift found
 * with `--fail-on-drift`.
 */
import '../node20-sdk-warning';
import { createKinesisClient, createS3Client } from '../../functions/adapters/aws-clients';
import { MonitorUsageError, parseMonitorArgs, USAGE } from './options';
import { runMonitor, summaryLines } from './run';

async function main(argv: string[]): Promise<number> {
  const now = new Date();
  let options;
  try {
    options = parseMonitorArgs(argv, process.env, now);
  } catch (error) {
    if (!(error instanceof MonitorUsageError)) throw error;
    console.error(`monitor: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { connection } = options;
  const common = {
    ...(connection.region ? { region: connection.region } : {}),
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
  };
  const kinesis = createKinesisClient({
    ...common,
    ...(connection.kinesisEndpoint ? { endpoint: connection.kinesisEndpoint } : {}),
  });
  const s3 = createS3Client({
    ...common,
    ...(connection.s3Endpoint ? { endpoint: connection.s3Endpoint } : {}),
  });
  try {
    const { file, data } = await runMonitor(options, { kinesis, s3 }, now);
    for (const line of summaryLines(data)) console.log(line);
    console.log(`Report: ${file}`);
    return options.failOnDrift && data.features.some((f) => f.level === 'drift') ? 3 : 0;
  } finally {
    kinesis.destroy();
    s3.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`monitor: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exitCode = 1;
  },
);
