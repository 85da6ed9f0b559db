/**
 * What the caller of `npm run model:promote`, `model:rollback`, `smoke`, `model:compare --env`, `model:list --env` and
 * `model:history` needs — a person or a CI role — as exact actions on this stack's ARNs. Pure data, like the
 * function's own policies, so the IAM test can pin it; the stack publishes it as a managed policy to attach.
 *
 * Deliberately absent:
 * - `lambda:GetFunctionConfiguration` on versions (`<function>:*`): a version's `RUN_ID` is read from
 *   `ListVersionsByFunction` on the unqualified ARN, so no wildcard over qualifiers is needed;
 * - `lambda:UpdateFunctionCode`, `lambda:CreateAlias`, `lambda:DeleteAlias`, `lambda:DeleteFunction`: Terraform
 *   creates the function and the alias; the lifecycle only publishes versions and moves the alias;
 * - `s3:DeleteObject` anywhere, and `s3:PutObject` on the registry unless the request carries `If-None-Match`
 *   (`s3:if-none-match`): registry records can be added, never overwritten or removed;
 * - `sts:GetCallerIdentity` (who is recorded): it needs no permission.
 */
import type { PolicyStatement } from '../iam';

/** The ARNs (or ARN tokens) the operator's permissions are scoped to. */
export interface LifecycleOperatorTargets {
  /** The unqualified function ARN. */
  readonly functionArn: string;
  /** The `live` alias ARN (`<function ARN>:live`). */
  readonly aliasArn: string;
  readonly bucketArn: string;
  /** Key pattern of every run's model folder, `*` for the run id, with a trailing slash. */
  readonly modelFolders: string;
  /** Key prefix of the registry records, with a trailing slash (`{experiment}/registry/`). */
  readonly registryPrefix: string;
  /** Key prefix of everything the commands list (`{experiment}/`). */
  readonly experimentPrefix: string;
  readonly inputStreamArn: string;
  readonly outputStreamArn: string;
}

/**
 * The operator's statements.
 *
 * @param targets - what each permission is scoped to.
 */
export function lifecycleOperatorStatements(targets: LifecycleOperatorTargets): PolicyStatement[] {
  const registry = `${targets.bucketArn}/${targets.registryPrefix}*`;
  return [
    {
      // Read $LATEST and every version's RUN_ID, set $LATEST's RUN_ID, publish it as a version.
      Sid: 'PublishModelVersions',
      Effect: 'Allow',
      Action: [
        'lambda:GetFunctionConfiguration',
        'lambda:ListVersionsByFunction',
        'lambda:PublishVersion',
        'lambda:UpdateFunctionConfiguration',
      ],
      Resource: [targets.functionArn],
    },
    {
      Sid: 'MoveLiveAlias',
      Effect: 'Allow',
      Action: ['lambda:GetAlias', 'lambda:UpdateAlias'],
      Resource: [targets.aliasArn],
    },
    {
      // Resolve runs from the bucket (compare, smoke) and publish a local run that is not there yet (promote).
      Sid: 'ReadAndPublishRuns',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [`${targets.bucketArn}/${targets.modelFolders}*`],
    },
    {
      Sid: 'ReadRegistry',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [registry],
    },
    {
      // Append-only: a write is allowed only as "create if absent", so no record can be replaced.
      Sid: 'AppendToRegistry',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [registry],
      Condition: { Null: { 's3:if-none-match': 'false' } },
    },
    {
      Sid: 'ListRunsAndRegistry',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [targets.bucketArn],
      Condition: { StringLike: { 's3:prefix': [`${targets.experimentPrefix}*`] } },
    },
    {
      // The smoke test reads predictions; the gate reads a recent window of the input stream.
      Sid: 'ReadStreams',
      Effect: 'Allow',
      Action: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
      Resource: [targets.inputStreamArn, targets.outputStreamArn],
    },
    {
      Sid: 'PutCanaryRecords',
      Effect: 'Allow',
      Action: ['kinesis:PutRecords'],
      Resource: [targets.inputStreamArn],
    },
  ];
}
