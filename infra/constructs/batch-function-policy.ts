/**
 * The batch function's permissions, one inline policy per concern, exact actions on exact ARNs (pure data, compared
 * with the synthesized stack by the IAM test). Prefixes come from the function's batch contract
 * (`functions/contract/batch.ts`), so the grants follow the keys the handler actually reads and writes.
 *
 * Deliberately absent: `s3:ListBucket` on the input prefix (the handler reads the one key of its event and never
 * lists), and `s3:DeleteObject` (outputs are written by multipart upload and completed, or aborted, never deleted).
 * `s3:AbortMultipartUpload` is granted on the output prefixes only: a failed or refused file's uploads are aborted
 * so no parts linger.
 */
import { BATCH_PREFIXES } from '../../functions/contract/batch';
import type { PolicyStatement } from '../iam';

/** What the batch function's permissions are scoped to. */
export interface BatchPolicyTargets {
  /** The bucket whose `batch/input/` triggers the function and receives its outputs. */
  readonly batchBucketArn: string;
  /** The model bucket. */
  readonly modelBucketArn: string;
  /** The configured run's model folder, with a trailing slash. */
  readonly modelPrefix: string;
  /** The function's own log group (without `:*`). */
  readonly logGroupArn: string;
}

/** Inline policy name → statements of the batch function's role. */
export function batchFunctionPolicies(
  targets: BatchPolicyTargets,
): Readonly<Record<string, readonly PolicyStatement[]>> {
  const under = (prefix: string) => `${targets.batchBucketArn}/${prefix}*`;
  return {
    'read-batch-input': [
      {
        Sid: 'GetBatchInputFiles',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [under(BATCH_PREFIXES.input)],
      },
    ],
    'write-batch-output': [
      {
        // PutObject also covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload (lib-storage's Upload).
        Sid: 'PutBatchPredictionsAndRejects',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: [under(BATCH_PREFIXES.output), under(BATCH_PREFIXES.rejects)],
      },
    ],
    'read-model': [
      {
        Sid: 'GetConfiguredRunArtifacts',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`${targets.modelBucketArn}/${targets.modelPrefix}*`],
      },
      {
        // A missing artifact then answers 404 NoSuchKey naming the key, not 403 (as for the scoring function).
        Sid: 'ListConfiguredRunArtifacts',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [targets.modelBucketArn],
        Condition: { StringLike: { 's3:prefix': [`${targets.modelPrefix}*`] } },
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
