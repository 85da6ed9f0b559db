/** What `npm start` prints: the ready banner with AWS CLI commands, and one line per batch. Pure text builders. */
import { BATCH_PREFIXES } from '../../functions/contract/batch';
import type { BatchReport } from '../poller';
import type { BatchTriggerOutcome } from './batchTrigger';

export interface BannerInput {
  readonly kinesisEndpoint: string;
  readonly s3Endpoint: string;
  /** The local Lambda API the lifecycle commands drive (versions, alias `live`). */
  readonly lambdaEndpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly inputStream: string;
  readonly inputShards: number;
  readonly predictionsStream: string;
  readonly runId: string;
  readonly featureSet: string;
  readonly features: readonly string[];
  readonly modelUri: string;
  readonly quarantineLocation: string;
  readonly onFailureLocation: string;
  readonly dir: string;
  readonly dirKept: boolean;
  readonly poller: {
    readonly batchSize: number;
    readonly maximumBatchingWindowMs: number;
    readonly maximumRetryAttempts: number;
    readonly maximumRecordAgeMs: number;
  };
  /** The JSON record to show in the put command. */
  readonly exampleRecord: string;
  readonly examplePartitionKey: string;
  /** The model bucket, whose `batch/input/` the batch handler watches. */
  readonly bucket: string;
}

/** Uses `localhost` in printed commands: what people type, and what the local-stack table of docs/contract.md §7 shows. */
function forHumans(endpoint: string): string {
  return endpoint.replace('//127.0.0.1:', '//localhost:');
}

/** The AWS CLI commands for the local stack: put the example record (v2 and v1), read the newest prediction. */
export function cliCommands(input: BannerInput): string {
  const kinesis = `--endpoint-url ${forHumans(input.kinesisEndpoint)}`;
  const s3 = `--endpoint-url ${forHumans(input.s3Endpoint)}`;
  const put = (v2: boolean) =>
    [
      `aws kinesis put-record ${kinesis} --stream-name ${input.inputStream} --partition-key ${input.examplePartitionKey} \\`,
      ...(v2 ? ['  --cli-binary-format raw-in-base64-out \\'] : []),
      `  --data '${input.exampleRecord}'`,
    ].join('\n  ');
  return [
    `  export AWS_ACCESS_KEY_ID=${input.accessKeyId} AWS_SECRET_ACCESS_KEY=${input.secretAccessKey} AWS_DEFAULT_REGION=${input.region}`,
    '',
    '  # put the example record, AWS CLI v2 (v2 wants base64 for --data unless told otherwise)',
    `  ${put(true)}`,
    '  # the same with AWS CLI v1',
    `  ${put(false)}`,
    '',
    '  # read the newest prediction',
    `  ITERATOR=$(aws kinesis get-shard-iterator ${kinesis} --stream-name ${input.predictionsStream} \\`,
    '    --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)',
    `  aws kinesis get-records ${kinesis} --shard-iterator "$ITERATOR" \\`,
    "    | jq -r '.Records[-1].Data' | base64 --decode | jq",
    '',
    '  # rejected records (one JSON object each)',
    `  aws s3 ls ${s3} --recursive ${input.quarantineLocation}/`,
    '',
    '  # batch inference: drop a CSV or JSON Lines file under batch/input/, read its predictions from batch/output/',
    `  aws s3 cp ${s3} model/data/winequality-red.csv s3://${input.bucket}/${BATCH_PREFIXES.input}red.csv`,
    `  aws s3 cp ${s3} s3://${input.bucket}/${BATCH_PREFIXES.output}red.csv.predictions.jsonl - | head -n 2`,
    `  aws s3 ls ${s3} --recursive s3://${input.bucket}/batch/`,
  ].join('\n');
}

/** The block printed once the stack is ready. */
export function readyBanner(input: BannerInput): string {
  const p = input.poller;
  const age = p.maximumRecordAgeMs < 0 ? 'no max age' : `max age ${p.maximumRecordAgeMs / 1000} s`;
  const retries = p.maximumRetryAttempts < 0 ? 'infinite retries' : `${p.maximumRetryAttempts} retries`;
  return [
    `Local stack ready: Kinesis ${forHumans(input.kinesisEndpoint)}, S3 ${forHumans(input.s3Endpoint)} (${input.region})`,
    `  input stream   ${input.inputStream} (${input.inputShards} shard${input.inputShards === 1 ? '' : 's'})`,
    `  poller         batch ${p.batchSize}, window ${p.maximumBatchingWindowMs} ms, ${retries}, bisect on error, ${age}, ReportBatchItemFailures`,
    `  handler        functions/handler.ts, run ${input.runId} (${input.featureSet}: ${input.features.join(', ')})`,
    `  function       version 1, invoked through alias live; Lambda API ${forHumans(input.lambdaEndpoint)}`,
    `  model          ${input.modelUri}`,
    `  output stream  ${input.predictionsStream}`,
    `  quarantine     ${input.quarantineLocation}/`,
    `  on-failure     ${input.onFailureLocation}/`,
    `  batch          s3://${input.bucket}/${BATCH_PREFIXES.input} → ${BATCH_PREFIXES.output}, ${BATCH_PREFIXES.rejects} (functions/batch.ts)`,
    `  data           ${input.dir}${input.dirKept ? '' : ' (removed on exit; set LOCAL_STACK_DIR to keep it)'}`,
    '',
    'Try it with the AWS CLI (the emulators accept these dummy credentials):',
    '',
    cliCommands(input),
    '',
    'Or with the scripts: npm run put-records -- --local --file <records.jsonl>; npm run read-predictions -- --local --follow',
    'Change the model without a restart: npm run model:compare -- --local --candidate <run>; npm run model:promote -- --local --run-id <run>; npm run model:rollback -- --local',
    'One line per batch follows, and one per dropped batch file. Ctrl-C stops everything.',
  ].join('\n');
}

/**
 * One batch: records in, the version and model run that scored them, predicted and rejected (quarantined) out, and
 * the latencies. Predicted is derived: every record the handler neither quarantined nor reported in
 * `batchItemFailures` was written to the output stream.
 */
export function batchLine(report: BatchReport, quarantined: number, at: Date = new Date()): string {
  const time = at.toISOString().slice(11, 23);
  const ran = report.executed ? `  v${report.executed.version} run ${report.executed.runId.slice(0, 8)}` : '';
  const head = `${time}  ${report.shardId}${ran}  ${report.records} record${report.records === 1 ? '' : 's'}`;
  const timing = `handler ${Math.round(report.durationMs)} ms, iterator age ${Math.round(report.iteratorAgeMs)} ms`;
  if (report.outcome === 'error') {
    const next =
      report.action === 'bisect'
        ? 'bisecting'
        : report.action === 'discard'
          ? 'retries exhausted'
          : `retry ${report.failures}`;
    return `${head} → function error (${next}): ${report.error ?? 'unknown error'}  (${timing})`;
  }
  const failures = batchItemFailureCount(report.response);
  const predicted = report.records - quarantined - failures;
  const retry = failures > 0 ? `, ${failures} reported for retry` : '';
  return `${head} → ${predicted} predicted, ${quarantined} rejected${retry}  (${timing})`;
}

function batchItemFailureCount(response: unknown): number {
  if (response === null || typeof response !== 'object') return 0;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  return Array.isArray(failures) ? failures.length : 0;
}

/** One dropped batch file: scored (rows, predicted, rejected, time, where the output is), refused, or failed. */
export function batchFileLine(outcome: BatchTriggerOutcome, at: Date = new Date()): string {
  const time = at.toISOString().slice(11, 23);
  if (outcome.kind === 'error') {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return `${time}  batch ${outcome.input} → failed (Lambda would retry it): ${message}`;
  }
  const { result } = outcome;
  if (result.status === 'scored') {
    const seconds = (result.durationMs / 1000).toFixed(2);
    return (
      `${time}  batch ${result.input} → ${result.rows} rows: ${result.predicted} predicted, ${result.rejected} rejected ` +
      `in ${seconds} s → ${result.output}`
    );
  }
  return `${time}  batch ${result.input} → ${result.status}: ${result.message}`;
}
