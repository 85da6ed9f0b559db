/**
 * The scoring function's permissions, one inline policy per concern, each naming exact actions on exact ARNs.
 * Pure data so the IAM test can compare it with what the synthesized stack carries.
 *
 * Deliberately absent:
 * - `kinesis:ListStreams`: in the Lambda guide's list for Kinesis sources, but an account-wide action (it supports
 *   no resource-level permissions, so it would need `Resource: "*"`). The event source mapping is created with the
 *   stream ARN and never lists streams; AWS CDK grants it scoped to the stream ARN, where it can never match, and
 *   its Kinesis sources work — so it is not granted at all.
 * - `kinesis:SubscribeToShard`, `kinesis:DescribeStreamConsumer`: enhanced fan-out consumers only; this mapping
 *   reads the stream with a standard iterator.
 * - `kms:Decrypt` / `kms:GenerateDataKey`: the streams use the AWS-managed key `alias/aws/kinesis`, which needs
 *   no IAM permission ("The use of the default service key for encryption does not require application of custom
 *   IAM permissions", Kinesis Data Streams developer guide); the bucket uses SSE-S3 and the queue SSE-SQS.
 * - `logs:CreateLogGroup`: the stack creates the log group (with a retention), so the function never has to.
 * - `cloudwatch:PutMetricData`: metrics are emitted as EMF log lines, which CloudWatch extracts from the logs.
 */
import type { PolicyStatement } from '../iam';

/** The ARNs (or ARN tokens) the function's permissions are scoped to. */
export interface ScoringPolicyTargets {
  readonly inputStreamArn: string;
  readonly outputStreamArn: string;
  readonly bucketArn: string;
  /**
   * Key pattern of the experiment's model folders, with a trailing slash and `*` for the run id (`{experiment}/` +
   * `*` + `/artifacts/model/`). Every run's, not one: each published version of the function loads its own
   * `RUN_ID`, and promoting or rolling back only moves an alias (no apply), so the role must already read whichever
   * run a version names.
   */
  readonly modelFolders: string;
  /** Key prefix of quarantined records, with a trailing slash. */
  readonly quarantinePrefix: string;
  readonly deadLetterQueueArn: string;
  /** ARN of the function's own log group (without the `:*` suffix). */
  readonly logGroupArn: string;
}

/** Inline policy name → statements. */
export type ScoringPolicies = Readonly<Record<string, readonly PolicyStatement[]>>;

/**
 * The least-privilege inline policies of the scoring function's role.
 *
 * @param targets - what each permission is scoped to.
 */
export function scoringFunctionPolicies(targets: ScoringPolicyTargets): ScoringPolicies {
  return {
    'read-input-stream': [
      {
        Sid: 'EventSourceMappingReadsInputStream',
        Effect: 'Allow',
        // Lambda's poller calls these with the function's role (Lambda guide, "Execution role permissions").
        Action: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
        ],
        Resource: [targets.inputStreamArn],
      },
    ],
    'write-predictions': [
      {
        Sid: 'PutPredictions',
        Effect: 'Allow',
        // The function writes predictions in PutRecords batches only; single-record PutRecord is not granted.
        Action: ['kinesis:PutRecords'],
        Resource: [targets.outputStreamArn],
      },
    ],
    'read-model': [
      {
        // Model folders only: the registry (`{experiment}/registry/`) and quarantine stay out of reach.
        Sid: 'GetRunArtifacts',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`${targets.bucketArn}/${targets.modelFolders}*`],
      },
      {
        // Without ListBucket a missing artifact answers 403 AccessDenied; with it (limited to model folders) the
        // function can report a clear 404 NoSuchKey naming the key.
        Sid: 'ListRunArtifacts',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [targets.bucketArn],
        Condition: { StringLike: { 's3:prefix': [`${targets.modelFolders}*`] } },
      },
    ],
    'write-quarantine': [
      {
        Sid: 'PutQuarantinedRecords',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [`${targets.bucketArn}/${targets.quarantinePrefix}*`],
      },
    ],
    'send-failed-batches': [
      {
        // The event source mapping sends the on-failure record with the function's role.
        Sid: 'OnFailureDestination',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [targets.deadLetterQueueArn],
      },
    ],
    'write-logs': [
      {
        Sid: 'OwnLogGroupOnly',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`${targets.logGroupArn}:*`],
      },
    ],
  };
}
