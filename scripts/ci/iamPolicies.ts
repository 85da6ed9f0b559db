/**
 * The IAM roles the workflows assume through GitHub's OIDC provider, generated from the synthesized stacks so that the
 * resources in each policy are exactly the ones the stacks create (names change with `namePrefix`, and a new kind of
 * resource in infra fails the test that every resource type is covered):
 *
 * - deploy (`AWS_DEPLOY_ROLE_ARN`, one role per environment, set as that GitHub environment's variable): terraform
 *   apply of the stack, the image push, smoke tests, promote and rollback. Trusted only from jobs bound to that
 *   GitHub environment (`repo:<owner>/<repo>:environment:<env>`). One role per environment keeps a stage job away
 *   from prod, and keeps each policy below IAM's 10,240-character limit for inline policies.
 * - plan (`AWS_PLAN_ROLE_ARN`): read-only, for `terraform plan` of stage on pull requests and main.
 * - monitor (`AWS_MONITOR_ROLE_ARN`): read-only, prod streams, quarantine, model folders and function configuration,
 *   for the scheduled drift check (which cannot wait for the prod environment's reviewers).
 *
 * The action lists are what the Terraform AWS provider and the project's commands call for these resource types; they
 * were assembled from the AWS and provider documentation, not observed on an AWS account (none is reachable here).
 */
import type { StackFacts, StackResource } from './stack';

/** One statement (exact actions; `*` resources only where an action supports no resource-level permission). */
export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[] | '*';
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

/** The trust policy's principal and subjects. */
export interface TrustStatement {
  readonly Effect: 'Allow';
  readonly Principal: { readonly Federated: string };
  readonly Action: 'sts:AssumeRoleWithWebIdentity';
  readonly Condition: {
    readonly StringEquals: Readonly<Record<string, string>>;
    readonly StringLike?: Readonly<Record<string, readonly string[]>>;
  };
}

export interface TrustPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly [TrustStatement];
}

/** GitHub's OIDC issuer, as IAM names the provider. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The three roles. */
export const ROLES = ['deploy', 'plan', 'monitor'] as const;
export type RoleName = (typeof ROLES)[number];

/** Where the policies apply. */
export interface PolicyContext {
  readonly account: string;
  /** `owner/name` on GitHub. */
  readonly repository: string;
  /** The environments the workflows deploy (their synthesized stacks). */
  readonly stacks: readonly StackFacts[];
  /** Where model.yml reads labelled data from S3 (`s3://bucket/prefix`), if it does. */
  readonly dataLocation?: { readonly bucket: string; readonly prefix: string } | undefined;
  /** Stacks whose image repository the role copies images from (prod takes the digest stage ran). */
  readonly imageSources?: readonly StackFacts[] | undefined;
}

/** A kind of named resource: how its name becomes ARNs, and what reading and managing it takes. */
interface Grant {
  /** The attribute of the Terraform resource that holds its name (or name prefix). */
  readonly nameAttribute: string;
  readonly arns: (name: string, stack: StackFacts, account: string) => string[];
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Resource types that belong to this one and need no grant of their own (sub-resources, attachments). */
  readonly covers: readonly string[];
}

const region = (stack: StackFacts) => stack.region;

/** Per named resource type. Sub-resources (a bucket's policy, a role's inline policies) are granted on the parent. */
export const GRANTS: Readonly<Record<string, Grant>> = {
  aws_kinesis_stream: {
    nameAttribute: 'name',
    arns: (name, stack, account) => [`arn:aws:kinesis:${region(stack)}:${account}:stream/${name}`],
    read: [
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:ListTagsForStream',
      'kinesis:ListTagsForResource',
      'kinesis:ListShards',
    ],
    write: [
      'kinesis:CreateStream',
      'kinesis:DeleteStream',
      'kinesis:AddTagsToStream',
      'kinesis:RemoveTagsFromStream',
      'kinesis:TagResource',
      'kinesis:UntagResource',
      'kinesis:IncreaseStreamRetentionPeriod',
      'kinesis:DecreaseStreamRetentionPeriod',
      'kinesis:StartStreamEncryption',
      'kinesis:StopStreamEncryption',
      'kinesis:UpdateShardCount',
      'kinesis:UpdateStreamMode',
      'kinesis:EnableEnhancedMonitoring',
      'kinesis:DisableEnhancedMonitoring',
      // Smoke test and the model gate's input-contract check: canaries in, predictions out.
      'kinesis:PutRecord',
      'kinesis:PutRecords',
      'kinesis:GetShardIterator',
      'kinesis:GetRecords',
    ],
    covers: [],
  },
  aws_lambda_function: {
    nameAttribute: 'function_name',
    // The function, its versions and its aliases (`function:<name>:<qualifier>`).
    arns: (name, stack, account) => {
      const arn = `arn:aws:lambda:${region(stack)}:${account}:function:${name}`;
      return [arn, `${arn}:*`];
    },
    read: [
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionConcurrency',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetPolicy',
      'lambda:ListVersionsByFunction',
      'lambda:ListAliases',
      'lambda:GetAlias',
      'lambda:ListTags',
    ],
    write: [
      'lambda:CreateFunction',
      'lambda:DeleteFunction',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:PublishVersion',
      'lambda:PutFunctionConcurrency',
      'lambda:DeleteFunctionConcurrency',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:CreateAlias',
      'lambda:UpdateAlias',
      'lambda:DeleteAlias',
      // Resource policies: the batch function's permission for S3 to invoke it.
      'lambda:AddPermission',
      'lambda:RemovePermission',
    ],
    covers: ['aws_lambda_alias', 'aws_lambda_permission'],
  },
  aws_iam_role: {
    nameAttribute: 'name',
    arns: (name, _stack, account) => [`arn:aws:iam::${account}:role/${name}`],
    read: [
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:ListInstanceProfilesForRole',
    ],
    write: [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:UpdateRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
    ],
    covers: ['aws_iam_role_policy'],
  },
  aws_iam_policy: {
    // The lifecycle operator's managed policy (attached by whoever runs model:promote / model:rollback).
    nameAttribute: 'name',
    arns: (name, _stack, account) => [`arn:aws:iam::${account}:policy/${name}`],
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions', 'iam:ListEntitiesForPolicy'],
    write: [
      'iam:CreatePolicy',
      'iam:DeletePolicy',
      'iam:CreatePolicyVersion',
      'iam:DeletePolicyVersion',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    covers: [],
  },
  aws_cloudwatch_log_group: {
    nameAttribute: 'name',
    arns: (name, stack, account) => {
      const arn = `arn:aws:logs:${region(stack)}:${account}:log-group:${name}`;
      return [arn, `${arn}:*`];
    },
    read: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
    write: [
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:TagResource',
      'logs:UntagResource',
      'logs:TagLogGroup',
      'logs:UntagLogGroup',
    ],
    covers: [],
  },
  aws_ecr_repository: {
    nameAttribute: 'name',
    arns: (name, stack, account) => [`arn:aws:ecr:${region(stack)}:${account}:repository/${name}`],
    read: [
      'ecr:DescribeRepositories',
      'ecr:ListTagsForResource',
      'ecr:GetLifecyclePolicy',
      'ecr:GetRepositoryPolicy',
      'ecr:DescribeImages',
      // Pulls: Lambda reads the image as the deploying principal, and prod copies stage's image.
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
      'ecr:BatchCheckLayerAvailability',
    ],
    write: [
      'ecr:CreateRepository',
      'ecr:DeleteRepository',
      'ecr:PutImageTagMutability',
      'ecr:PutImageScanningConfiguration',
      'ecr:TagResource',
      'ecr:UntagResource',
      'ecr:PutLifecyclePolicy',
      'ecr:DeleteLifecyclePolicy',
      'ecr:SetRepositoryPolicy',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
      'ecr:BatchDeleteImage',
    ],
    covers: ['aws_ecr_lifecycle_policy'],
  },
  aws_s3_bucket: {
    // A created bucket has a prefix (AWS appends a suffix); an existing one a name.
    nameAttribute: 'bucket_prefix',
    arns: (name) => [`arn:aws:s3:::${name}*`],
    read: [
      's3:ListBucket',
      's3:ListBucketVersions',
      's3:GetBucketLocation',
      's3:GetBucketPolicy',
      's3:GetBucketAcl',
      's3:GetBucketCORS',
      's3:GetBucketWebsite',
      's3:GetBucketVersioning',
      's3:GetAccelerateConfiguration',
      's3:GetBucketRequestPayment',
      's3:GetBucketLogging',
      's3:GetLifecycleConfiguration',
      's3:GetReplicationConfiguration',
      's3:GetEncryptionConfiguration',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketTagging',
      's3:GetBucketOwnershipControls',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketNotification',
    ],
    write: [
      's3:CreateBucket',
      's3:DeleteBucket',
      's3:PutBucketPolicy',
      's3:DeleteBucketPolicy',
      's3:PutBucketVersioning',
      's3:PutLifecycleConfiguration',
      's3:PutEncryptionConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      // The batch function's trigger (s3:ObjectCreated under batch/input/).
      's3:PutBucketNotification',
    ],
    covers: [
      'aws_s3_bucket_notification',
      'aws_s3_bucket_lifecycle_configuration',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_versioning',
    ],
  },
  aws_sqs_queue: {
    nameAttribute: 'name',
    arns: (name, stack, account) => [`arn:aws:sqs:${region(stack)}:${account}:${name}`],
    read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
    covers: [],
  },
  aws_sns_topic: {
    nameAttribute: 'name',
    // The topic and its subscriptions (`<topic arn>:<id>`).
    arns: (name, stack, account) => {
      const arn = `arn:aws:sns:${region(stack)}:${account}:${name}`;
      return [arn, `${arn}:*`];
    },
    read: [
      'sns:GetTopicAttributes',
      'sns:ListTagsForResource',
      'sns:ListSubscriptionsByTopic',
      'sns:GetSubscriptionAttributes',
    ],
    write: [
      'sns:CreateTopic',
      'sns:DeleteTopic',
      'sns:SetTopicAttributes',
      'sns:TagResource',
      'sns:UntagResource',
      'sns:Subscribe',
      'sns:Unsubscribe',
      'sns:SetSubscriptionAttributes',
    ],
    covers: ['aws_sns_topic_subscription'],
  },
  aws_cloudwatch_metric_alarm: {
    nameAttribute: 'alarm_name',
    arns: (name, stack, account) => [`arn:aws:cloudwatch:${region(stack)}:${account}:alarm:${name}`],
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: [
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
    ],
    covers: [],
  },
  aws_cloudwatch_dashboard: {
    nameAttribute: 'dashboard_name',
    arns: (name, _stack, account) => [`arn:aws:cloudwatch::${account}:dashboard/${name}`],
    read: ['cloudwatch:GetDashboard'],
    write: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
    covers: [],
  },
};

/**
 * Resource types that need no grant: `terraform_data` is Terraform's own; the event source mapping is granted by
 * {@link eventSourceMappingStatement} (its ARN holds a UUID AWS assigns, so it is scoped by the function instead).
 */
export const UNGRANTED_TYPES: readonly string[] = ['terraform_data', 'aws_lambda_event_source_mapping'];

/** The resource types the policies cover. */
export function coveredTypes(): Set<string> {
  return new Set([
    ...Object.keys(GRANTS),
    ...Object.values(GRANTS).flatMap((grant) => grant.covers),
    ...UNGRANTED_TYPES,
  ]);
}

/** The name of a named resource: the grant's attribute, or `bucket` for an existing bucket. */
export function resourceName(resource: StackResource): string | undefined {
  const grant = GRANTS[resource.type];
  if (grant === undefined) return undefined;
  const value =
    resource.body[grant.nameAttribute] ??
    (resource.type === 'aws_s3_bucket' ? resource.body.bucket : undefined);
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

/** The ARNs of one grant's resources across the stacks. */
function arnsOf(type: string, stacks: readonly StackFacts[], account: string): string[] {
  const grant = GRANTS[type];
  if (grant === undefined) return [];
  return stacks.flatMap((stack) =>
    stack.resources
      .filter((resource) => resource.type === type)
      .flatMap((resource) => {
        const name = resourceName(resource);
        return name === undefined ? [] : grant.arns(name, stack, account);
      }),
  );
}

const sid = (type: string) =>
  type
    .replace(/^aws_/, '')
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

function grantStatements(context: PolicyContext, access: 'read' | 'write'): Statement[] {
  return Object.entries(GRANTS).flatMap(([type, grant]): Statement[] => {
    const resources = arnsOf(type, context.stacks, context.account);
    const actions = access === 'read' ? grant.read : [...grant.read, ...grant.write];
    return resources.length === 0
      ? []
      : [{ Sid: sid(type), Effect: 'Allow', Action: actions, Resource: resources }];
  });
}

function functionArns(context: PolicyContext): string[] {
  return context.stacks.map(
    (stack) => `arn:aws:lambda:${stack.region}:${context.account}:function:${stack.functionName}`,
  );
}

/** Event source mappings: created and changed only for the stacks' functions (or their versions and aliases). */
function eventSourceMappingStatement(context: PolicyContext, access: 'read' | 'write'): Statement[] {
  const functions = functionArns(context);
  const mappings = [
    ...new Set(
      context.stacks.map((s) => `arn:aws:lambda:${s.region}:${context.account}:event-source-mapping:*`),
    ),
  ];
  const read: Statement = {
    Sid: 'ReadEventSourceMappings',
    Effect: 'Allow',
    // Neither action supports resource-level permissions beyond the mapping's own ARN.
    Action: ['lambda:GetEventSourceMapping', 'lambda:ListEventSourceMappings', 'lambda:ListTags'],
    Resource: mappings,
  };
  if (access === 'read') return [read];
  return [
    read,
    {
      Sid: 'ManageEventSourceMappings',
      Effect: 'Allow',
      Action: [
        'lambda:CreateEventSourceMapping',
        'lambda:UpdateEventSourceMapping',
        'lambda:DeleteEventSourceMapping',
        'lambda:TagResource',
        'lambda:UntagResource',
      ],
      // CreateEventSourceMapping has no resource type of its own: it is scoped by the function it targets.
      Resource: '*',
      Condition: { ArnLike: { 'lambda:FunctionArn': [...functions, ...functions.map((arn) => `${arn}:*`)] } },
    },
  ];
}

/** Terraform state in S3 (and a legacy DynamoDB lock table); read only for a plan without a lock. */
function stateStatements(context: PolicyContext, access: 'read' | 'write'): Statement[] {
  const statements: Statement[] = [];
  for (const stack of context.stacks) {
    const backend = stack.backend;
    if (backend.type !== 's3') continue;
    const name = sid(`state_${stack.environment}`);
    const object = `arn:aws:s3:::${backend.bucket}/${backend.key}`;
    statements.push(
      {
        Sid: `${name}List`,
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${backend.bucket}`],
        Condition: { StringEquals: { 's3:prefix': [backend.key, `${backend.key}.tflock`] } },
      },
      {
        Sid: `${name}Object`,
        Effect: 'Allow',
        Action: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
        Resource: [object],
      },
    );
    if (access === 'write') {
      statements.push({
        Sid: `${name}Lock`,
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [`${object}.tflock`],
      });
      if (backend.dynamodbTable !== undefined) {
        statements.push({
          Sid: `${name}LockTable`,
          Effect: 'Allow',
          Action: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
          Resource: [`arn:aws:dynamodb:${backend.region}:${context.account}:table/${backend.dynamodbTable}`],
        });
      }
    }
  }
  return statements;
}

/** Objects in the model buckets: runs and registry records (promote), quarantine (monitor), force-destroy (stage). */
function modelObjectStatements(context: PolicyContext, access: 'read' | 'write'): Statement[] {
  const buckets = arnsOf('aws_s3_bucket', context.stacks, context.account);
  if (buckets.length === 0) return [];
  const objects = buckets.map((arn) => `${arn}/*`);
  return [
    {
      Sid: 'ModelBucketObjects',
      Effect: 'Allow',
      Action:
        access === 'read'
          ? ['s3:GetObject']
          : [
              's3:GetObject',
              's3:GetObjectVersion',
              's3:PutObject',
              's3:DeleteObject',
              's3:DeleteObjectVersion',
            ],
      Resource: objects,
    },
  ];
}

/** Labelled training data model.yml reads. */
function dataStatements(context: PolicyContext): Statement[] {
  const data = context.dataLocation;
  if (data === undefined) return [];
  return [
    {
      Sid: 'LabelledData',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:s3:::${data.bucket}/${data.prefix}*`],
    },
  ];
}

/** The deploy role's permissions: apply, image push, smoke, promote, rollback, for every stack in the context. */
export function deployPolicy(context: PolicyContext): PolicyDocument {
  const functionRoles = arnsOf('aws_iam_role', context.stacks, context.account);
  return {
    Version: '2012-10-17',
    Statement: [
      ...grantStatements(context, 'write'),
      ...eventSourceMappingStatement(context, 'write'),
      {
        Sid: 'PassFunctionRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: functionRoles,
        Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      },
      {
        Sid: 'ListLogGroups',
        Effect: 'Allow',
        Action: ['logs:DescribeLogGroups'],
        Resource: [
          ...new Set(context.stacks.map((s) => `arn:aws:logs:${s.region}:${context.account}:log-group:*`)),
        ],
      },
      {
        // ECR issues registry tokens for the whole registry: the action has no resource-level permission.
        Sid: 'EcrLogin',
        Effect: 'Allow',
        Action: ['ecr:GetAuthorizationToken'],
        Resource: '*',
      },
      ...modelObjectStatements(context, 'write'),
      ...stateStatements(context, 'write'),
      ...dataStatements(context),
      ...imageSourceStatements(context),
    ],
  };
}

/** Pulling the image another environment ran (deploy.yml copies stage's digest into prod's repository). */
function imageSourceStatements(context: PolicyContext): Statement[] {
  const repositories = arnsOf('aws_ecr_repository', context.imageSources ?? [], context.account);
  if (repositories.length === 0) return [];
  return [
    {
      Sid: 'PullImageSource',
      Effect: 'Allow',
      Action: [
        'ecr:DescribeImages',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchCheckLayerAvailability',
      ],
      Resource: repositories,
    },
  ];
}

/** The plan role's permissions: what `terraform plan` reads (no lock, no change). */
export function planPolicy(context: PolicyContext): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      ...grantStatements(context, 'read'),
      ...eventSourceMappingStatement(context, 'read'),
      {
        Sid: 'ListLogGroups',
        Effect: 'Allow',
        Action: ['logs:DescribeLogGroups'],
        Resource: [
          ...new Set(context.stacks.map((s) => `arn:aws:logs:${s.region}:${context.account}:log-group:*`)),
        ],
      },
      ...stateStatements(context, 'read'),
    ],
  };
}

/** The monitor role's permissions: read the streams, the quarantine and model folders, and which run serves. */
export function monitorPolicy(context: PolicyContext): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadStreams',
        Effect: 'Allow',
        Action: [
          'kinesis:DescribeStreamSummary',
          'kinesis:ListShards',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
        ],
        Resource: arnsOf('aws_kinesis_stream', context.stacks, context.account),
      },
      {
        Sid: 'ServedRun',
        Effect: 'Allow',
        Action: ['lambda:GetFunctionConfiguration'],
        Resource: [...functionArns(context), ...functionArns(context).map((arn) => `${arn}:*`)],
      },
      {
        Sid: 'ListModelBucket',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: arnsOf('aws_s3_bucket', context.stacks, context.account),
      },
      ...modelObjectStatements(context, 'read'),
    ],
  };
}

/** The OIDC subjects each role trusts. */
export function trustedSubjects(role: RoleName, context: PolicyContext): string[] {
  const repo = `repo:${context.repository}`;
  switch (role) {
    case 'deploy':
      return context.stacks.map((stack) => `${repo}:environment:${stack.environment}`);
    case 'plan':
      return [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`];
    case 'monitor':
      return [`${repo}:ref:refs/heads/main`];
  }
}

/** The role's trust policy: GitHub's OIDC provider, audience `sts.amazonaws.com`, the role's subjects only. */
export function trustPolicy(role: RoleName, context: PolicyContext): TrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${context.account}:oidc-provider/${GITHUB_OIDC_HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: trustedSubjects(role, context) },
        },
      },
    ],
  };
}

/** The role's permission policy. */
export function permissionPolicy(role: RoleName, context: PolicyContext): PolicyDocument {
  switch (role) {
    case 'deploy':
      return deployPolicy(context);
    case 'plan':
      return planPolicy(context);
    case 'monitor':
      return monitorPolicy(context);
  }
}
