import path from 'node:path';
import { REPO_ROOT } from '../../../helpers/paths';
import {
  MonitorUsageError,
  parseMonitorArgs,
  type MonitorOptions,
} from '../../../../scripts/monitor/options';
import { dayPrefixes } from '../../../../scripts/monitor/quarantine';

const NOW = new Date('2026-03-04T05:06:07.890Z');

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): MonitorOptions {
  const options = parseMonitorArgs(argv, env, NOW);
  if (options === 'help') throw new Error('unexpected help');
  return options;
}

describe('npm run monitor arguments', () => {
  it('defaults to the last hour of wine-input and wine-predictions, written under reports/', () => {
    // Prepare / Act
    const options = parse([]);

    // Assess
    expect(options).toMatchObject({
      inputStream: 'wine-input',
      predictionsStream: 'wine-predictions',
      since: new Date('2026-03-04T04:06:07.890Z'),
      maxRecords: 100_000,
      runId: undefined,
      modelFolder: undefined,
      quarantine: { skip: 'no --quarantine given and MODEL_BUCKET is not set' },
      out: path.join(REPO_ROOT, 'reports', 'drift-20260304T050607Z.html'),
      failOnDrift: false,
    });
    expect(options.connection).toMatchObject({
      kinesisEndpoint: undefined,
      s3Endpoint: undefined,
      credentials: undefined,
    });
  });

  it('points both clients at the local stack with --local, honouring its port variables', () => {
    // Prepare / Act
    const options = parse(['--local'], { LOCAL_KINESIS_PORT: '1111', LOCAL_S3_PORT: '2222' });

    // Assess
    expect(options.connection).toEqual({
      kinesisEndpoint: 'http://localhost:1111',
      s3Endpoint: 'http://localhost:2222',
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      describe: 'local stack http://localhost:1111',
    });
    expect(options.quarantine).toEqual({ bucket: 'wine-models', prefix: 'quarantine' });
  });

  it('takes stream names and the quarantine from the environment, and every option from the command line', () => {
    // Prepare / Act
    const fromEnv = parse([], {
      INPUT_STREAM_NAME: 'in',
      PREDICTIONS_STREAM_NAME: 'out',
      MODEL_BUCKET: 'models-1',
    });
    const explicit = parse([
      '--input-stream=a',
      '--predictions-stream=b',
      '--since=2026-03-01T00:00:00Z',
      '--max-records=50',
      `--run-id=${'a'.repeat(32)}`,
      '--model-location=s3://bucket/1/run/artifacts/model/',
      '--quarantine=s3://q-bucket/rejects',
      '--endpoint-url=http://127.0.0.1:9',
      '--s3-endpoint-url=http://127.0.0.1:10',
      '--out=x/report.html',
      '--fail-on-drift',
    ]);

    // Assess
    expect(fromEnv).toMatchObject({
      inputStream: 'in',
      predictionsStream: 'out',
      quarantine: { bucket: 'models-1', prefix: 'quarantine' },
    });
    expect(explicit).toMatchObject({
      inputStream: 'a',
      predictionsStream: 'b',
      since: new Date('2026-03-01T00:00:00Z'),
      maxRecords: 50,
      runId: 'a'.repeat(32),
      modelFolder: { kind: 's3', bucket: 'bucket', prefix: '1/run/artifacts/model' },
      quarantine: { bucket: 'q-bucket', prefix: 'rejects' },
      out: path.resolve('x/report.html'),
      failOnDrift: true,
      connection: { kinesisEndpoint: 'http://127.0.0.1:9', s3Endpoint: 'http://127.0.0.1:10' },
    });
  });

  it.each([
    ['30m', new Date('2026-03-04T04:36:07.890Z')],
    ['2h', new Date('2026-03-04T03:06:07.890Z')],
    ['1d', new Date('2026-03-03T05:06:07.890Z')],
    ['all', undefined],
  ])('reads --since %s', (since, expected) => {
    // Prepare / Act / Assess
    expect(parse(['--since', since]).since).toEqual(expected);
  });

  it.each([
    [
      ['--since', 'yesterday'],
      '--since must be like 30m, 2h, 1d, an ISO-8601 time or "all", got "yesterday"',
    ],
    [['--since', '2027-01-01'], '--since 2027-01-01 is in the future'],
    [['--max-records', '0'], '--max-records must be a positive whole number, got "0"'],
    [['--run-id', 'latest'], '--run-id must be 32 lowercase hex characters, got "latest"'],
    [['--quarantine', 'quarantine/'], '--quarantine must be s3://bucket/prefix, got "quarantine/"'],
    [
      ['--model-location', 's3://Models/x'],
      '--model-location names "Models", which is not a valid S3 bucket name, got "s3://Models/x"',
    ],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j', (argv, message) => {
    // Prepare / Act
    const attempt = () => parse(argv);

    // Assess
    expect(attempt).toThrow(MonitorUsageError);
    expect(attempt).toThrow(message);
  });

  it('skips the quarantine on request', () => {
    // Prepare / Act / Assess
    expect(parse(['--local', '--no-quarantine']).quarantine).toEqual({ skip: '--no-quarantine' });
  });
});

describe('quarantine window', () => {
  it('lists the UTC days of the window, across a month end', () => {
    // Prepare / Act
    const days = dayPrefixes(new Date('2026-01-30T23:00:00Z'), new Date('2026-02-01T01:00:00Z'));

    // Assess
    expect(days).toEqual(['2026/01/30/', '2026/01/31/', '2026/02/01/']);
    expect(dayPrefixes(undefined, NOW)).toEqual(['']);
  });
});
