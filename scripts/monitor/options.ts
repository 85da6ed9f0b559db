/**
 * `npm run monitor` arguments → a typed, validated {@link MonitorOptions}. Pure (the environment is passed in), so every
 * rule is unit-tested; the CLI prints {@link MonitorUsageError}'s message with the usage and exits 2.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RUN_ID_PATTERN } from '../../model/src/contract';
import { REPO_ROOT } from '../../model';
import { connectionOptions } from '../streams/connection';
import { QUARANTINE_PREFIX } from '../../functions/contract/names';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../emulators/emulators';
import { LOCAL_DEFAULTS } from '../local-stack/config';
import type { ModelFolder } from './modelFiles';
import { isS3Url, parseS3Folder, S3UrlError, type S3Folder } from '../../functions/contract/s3Folder';

export const USAGE = `Usage: npm run monitor -- [options]

Reads a window of the input and prediction streams (and the quarantine), compares them with the model's training
reference and writes a self-contained HTML drift report.

  --input-stream <name>        input stream (default: $INPUT_STREAM_NAME or ${LOCAL_DEFAULTS.inputStream})
  --predictions-stream <name>  prediction stream (default: $PREDICTIONS_STREAM_NAME or ${LOCAL_DEFAULTS.predictionsStream})
  --since <time>               window start: 30m, 2h, 1d, an ISO-8601 time, or "all" (default: 1h)
  --max-records <n>            most records read per stream (default: 100000)
  --run-id <id>                run to compare with (default: the run most predictions name, else the committed default)
  --model-location <folder>    folder with signature.json and reference.json: a local path or s3://bucket/prefix
                               (default: model/artifacts/<run-id>/)
  --quarantine <s3-url>        quarantine to summarise (default: s3://$MODEL_BUCKET/${QUARANTINE_PREFIX}; with --local
                               s3://${LOCAL_DEFAULTS.bucket}/${QUARANTINE_PREFIX})
  --no-quarantine              do not read the quarantine
  --out <file>                 where to write the report (default: reports/drift-<UTC timestamp>.html)
  --fail-on-drift              exit 3 when a feature's PSI is above 0.25 (for scheduled checks)

Connection (default: the AWS SDK's credentials, region and AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL_S3):
  --local                      the local stack: Kinesis localhost:\${LOCAL_KINESIS_PORT:-${LOCAL_DEFAULTS.kinesisPort}}, S3 localhost:\${LOCAL_S3_PORT:-${LOCAL_DEFAULTS.s3Port}},
                               its dummy credentials, ${LOCAL_REGION}
  --endpoint-url <url>         Kinesis endpoint
  --s3-endpoint-url <url>      S3 endpoint (quarantine, S3 model folders)
  --region <region>            AWS region

Exit codes: 0 report written, 1 failure, 2 bad arguments, 3 drift found with --fail-on-drift.`;

/** Bad arguments: the message names the option. */
export class MonitorUsageError extends Error {
  override readonly name = 'MonitorUsageError';
}

/** How to reach Kinesis and S3. */
export interface MonitorConnection {
  readonly kinesisEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly region: string | undefined;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Where the streams are, for the report. */
  readonly describe: string;
}

export interface MonitorOptions {
  readonly inputStream: string;
  readonly predictionsStream: string;
  /** Window start; undefined: everything retained. */
  readonly since: Date | undefined;
  readonly maxRecords: number;
  readonly runId: string | undefined;
  readonly modelFolder: ModelFolder | undefined;
  readonly quarantine: S3Folder | { readonly skip: string };
  /** Absolute path of the report. */
  readonly out: string;
  readonly failOnDrift: boolean;
  readonly connection: MonitorConnection;
}

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `reports/drift-20260101T120000Z.html` under the repository root. */
export function defaultReportPath(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return path.join(REPO_ROOT, 'reports', `drift-${stamp}.html`);
}

/**
 * Parses the command line.
 *
 * @throws MonitorUsageError naming the bad option
 * @example
 * parseMonitorArgs(['--local', '--since', '30m'], process.env, new Date());
 */
export function parseMonitorArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now: Date,
): MonitorOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        local: { type: 'boolean', default: false },
        'endpoint-url': { type: 'string' },
        's3-endpoint-url': { type: 'string' },
        region: { type: 'string' },
        'input-stream': { type: 'string' },
        'predictions-stream': { type: 'string' },
        since: { type: 'string', default: '1h' },
        'max-records': { type: 'string', default: '100000' },
        'run-id': { type: 'string' },
        'model-location': { type: 'string' },
        quarantine: { type: 'string' },
        'no-quarantine': { type: 'boolean', default: false },
        out: { type: 'string' },
        'fail-on-drift': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new MonitorUsageError((error as Error).message);
  }
  if (values.help) return 'help';

  const maxRecords = Number(values['max-records']);
  if (!/^\d+$/.test(values['max-records']) || maxRecords < 1) {
    throw new MonitorUsageError(
      `--max-records must be a positive whole number, got "${values['max-records']}"`,
    );
  }
  const runId = values['run-id'];
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    throw new MonitorUsageError(`--run-id must be 32 lowercase hex characters, got "${runId}"`);
  }
  const kinesis = connectionOptions(values, env);
  const s3Endpoint =
    values['s3-endpoint-url'] ??
    (values.local ? `http://localhost:${env.LOCAL_S3_PORT ?? LOCAL_DEFAULTS.s3Port}` : undefined);
  return {
    inputStream: values['input-stream'] ?? env.INPUT_STREAM_NAME ?? LOCAL_DEFAULTS.inputStream,
    predictionsStream:
      values['predictions-stream'] ?? env.PREDICTIONS_STREAM_NAME ?? LOCAL_DEFAULTS.predictionsStream,
    since: parseSince(values.since, now),
    maxRecords,
    runId,
    modelFolder:
      values['model-location'] === undefined ? undefined : parseModelFolder(values['model-location']),
    quarantine: quarantineFolder(values, env),
    out: path.resolve(values.out ?? defaultReportPath(now)),
    failOnDrift: values['fail-on-drift'],
    connection: {
      kinesisEndpoint: kinesis.endpoint,
      s3Endpoint,
      region: kinesis.region,
      credentials: values.local ? { ...LOCAL_CREDENTIALS } : undefined,
      describe: kinesis.describe,
    },
  };
}

function parseSince(text: string, now: Date): Date | undefined {
  if (text === 'all') return undefined;
  const duration = DURATION.exec(text);
  if (duration)
    return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new MonitorUsageError(`--since must be like 30m, 2h, 1d, an ISO-8601 time or "all", got "${text}"`);
  }
  if (time > now.getTime()) throw new MonitorUsageError(`--since ${text} is in the future`);
  return new Date(time);
}

function parseModelFolder(text: string): ModelFolder {
  return isS3Url(text)
    ? { kind: 's3', ...s3Option('--model-location', text) }
    : { kind: 'local', directory: text };
}

/** An s3:// option value, or a usage error naming the option and why, e.g. `--quarantine must be s3://bucket/prefix`. */
function s3Option(option: string, url: string): S3Folder {
  try {
    return parseS3Folder(url);
  } catch (error) {
    if (!(error instanceof S3UrlError)) throw error;
    throw new MonitorUsageError(`${option} ${error.reason}, got "${url}"`);
  }
}

function quarantineFolder(
  values: { quarantine?: string | undefined; 'no-quarantine': boolean; local: boolean },
  env: NodeJS.ProcessEnv,
): S3Folder | { readonly skip: string } {
  if (values['no-quarantine']) return { skip: '--no-quarantine' };
  if (values.quarantine !== undefined) return s3Option('--quarantine', values.quarantine);
  const bucket = values.local ? LOCAL_DEFAULTS.bucket : env.MODEL_BUCKET;
  if (!bucket) return { skip: 'no --quarantine given and MODEL_BUCKET is not set' };
  return s3Option('MODEL_BUCKET', `s3://${bucket}/${QUARANTINE_PREFIX}`);
}
