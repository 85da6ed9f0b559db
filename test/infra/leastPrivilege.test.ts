import { auditStatements, findPolicies, grantedPermissions, type Allowlist } from './support/policyAudit';
import {
  RUN_ID,
  onlyResource,
  ref,
  resourceWhere,
  resourcesOf,
  synthStack,
  withBatch,
  type TerraformJson,
} from './support/stackFixtures';

/** The permissions the scorer needs, written out independently of the construct that grants them. */
function expectedPermissions(tf: TerraformJson, bucketArn: string): Allowlist {
  return scorerPermissions(tf, bucketArn);
}

/** The scorer's role: the one the scorer's log group belongs to. */
const SCORER_LOG_GROUP = '/aws/lambda/wq-test-scorer';
const BATCH_LOG_GROUP = '/aws/lambda/wq-test-batch';

/** The permissions the batch function needs (docs/batch-inference.md), on the watched bucket and the model bucket. */
function batchPermissions(tf: TerraformJson, batchBucketArn: string, modelBucketArn: string): Allowlist {
  const logs = `${ref('aws_cloudwatch_log_group', resourceWhere(tf, 'aws_cloudwatch_log_group', 'name', BATCH_LOG_GROUP).id, 'arn')}:*`;
  return {
    's3:GetObject': [`${batchBucketArn}/batch/input/*`, `${modelBucketArn}/7/${RUN_ID}/artifacts/model/*`],
    's3:ListBucket': [modelBucketArn],
    's3:PutObject': [`${batchBucketArn}/batch/output/*`, `${batchBucketArn}/batch/rejects/*`],
    's3:AbortMultipartUpload': [`${batchBucketArn}/batch/output/*`, `${batchBucketArn}/batch/rejects/*`],
    'logs:CreateLogStream': [logs],
    'logs:PutLogEvents': [logs],
  };
}

/** Statements of one role's inline policies. */
function roleStatements(tf: TerraformJson, roleName: string) {
  const role = resourceWhere(tf, 'aws_iam_role', 'name', roleName);
  const roleId = ref('aws_iam_role', role.id, 'id');
  return Object.entries(resourcesOf(tf, 'aws_iam_role_policy'))
    .filter(([, body]) => body.role === roleId)
    .flatMap(([id]) => findPolicies(tf).filter((p) => p.location === `aws_iam_role_policy.${id}.policy`))
    .flatMap((p) => p.statements);
}

/** Action → resources, each list sorted (as `grantedPermissions` returns them). */
function sorted(allowlist: Allowlist): Record<string, string[]> {
  return Object.fromEntries(Object.entries(allowlist).map(([a, r]) => [a, [...r].sort()]));
}

function scorerPermissions(tf: TerraformJson, bucketArn: string): Allowlist {
  const streamArn = (name: string): string => {
    const entry = Object.entries(resourcesOf(tf, 'aws_kinesis_stream')).find(([, s]) => s.name === name);
    if (entry === undefined) throw new Error(`no stream ${name}`);
    return ref('aws_kinesis_stream', entry[0], 'arn');
  };
  const input = streamArn('wq-test-input');
  const output = streamArn('wq-test-predictions');
  const queue = ref('aws_sqs_queue', onlyResource(tf, 'aws_sqs_queue').id, 'arn');
  const logs = `${ref('aws_cloudwatch_log_group', resourceWhere(tf, 'aws_cloudwatch_log_group', 'name', SCORER_LOG_GROUP).id, 'arn')}:*`;
  return {
    'kinesis:DescribeStream': [input],
    'kinesis:DescribeStreamSummary': [input],
    'kinesis:GetRecords': [input],
    'kinesis:GetShardIterator': [input],
    'kinesis:ListShards': [input],
    'kinesis:PutRecords': [output],
    // Every run's model folder of the experiment (each published version loads its own RUN_ID), nothing else.
    's3:GetObject': [`${bucketArn}/7/*/artifacts/model/*`],
    's3:ListBucket': [bucketArn],
    's3:PutObject': [`${bucketArn}/quarantine/*`],
    'sqs:SendMessage': [queue],
    'logs:CreateLogStream': [logs],
    'logs:PutLogEvents': [logs],
  };
}

function rolePolicyStatements(tf: TerraformJson) {
  return roleStatements(tf, 'wq-test-scorer');
}

/** Every action → resources pair of either role: what the stack-wide audit allows. */
function mergedAllowlist(...lists: Allowlist[]): Allowlist {
  const merged: Record<string, string[]> = {};
  for (const list of lists)
    for (const [action, resources] of Object.entries(list))
      merged[action] = [...(merged[action] ?? []), ...resources];
  return merged;
}

describe('least privilege', () => {
  const created = synthStack(withBatch);
  const createdBucketArn = ref('aws_s3_bucket', onlyResource(created.tf, 'aws_s3_bucket').id, 'arn');

  it('allows no wildcard action and no action or resource outside the allowlist in any policy of the stack', () => {
    // Prepare
    const allowlist = mergedAllowlist(
      expectedPermissions(created.tf, createdBucketArn),
      batchPermissions(created.tf, createdBucketArn, createdBucketArn),
    );
    // The lifecycle operator's managed policy has its own allowlist (lifecycleOperatorPolicy.test.ts).
    const policies = findPolicies(created.tf).filter(
      (p) => !p.location.startsWith('aws_iam_role.') && !p.location.startsWith('aws_iam_policy.'),
    );

    // Act
    const problems = policies.flatMap((p) =>
      auditStatements(p.statements, allowlist).map((m) => `${p.location}: ${m}`),
    );

    // Assess
    expect(policies.length).toBeGreaterThanOrEqual(11); // six + four inline role policies + the bucket's TLS guard
    expect(problems).toEqual([]);
  });

  it('grants the scorer exactly the permissions it needs, each on its one resource', () => {
    // Prepare
    const expected = expectedPermissions(created.tf, createdBucketArn);

    // Act
    const granted = grantedPermissions(rolePolicyStatements(created.tf));

    // Assess
    expect(granted).toEqual(sorted(expected));
  });

  it('grants the batch function exactly its input, output and model prefixes and its own logs', () => {
    // Prepare
    const expected = batchPermissions(created.tf, createdBucketArn, createdBucketArn);

    // Act
    const granted = grantedPermissions(roleStatements(created.tf, 'wq-test-batch'));

    // Assess
    expect(granted).toEqual(sorted(expected));
  });

  it('scopes the batch function to another existing bucket when one is configured, and its model reads to the model bucket', () => {
    // Prepare
    const other = synthStack((c) => {
      withBatch(c);
      c.batch = { ...c.batch!, enabled: true, bucket: 'team-batch-files' };
    });
    const batchBucketArn = ref('data.aws_s3_bucket', 'batch-bucket', 'arn');
    const modelBucketArn = ref('aws_s3_bucket', onlyResource(other.tf, 'aws_s3_bucket').id, 'arn');

    // Act
    const granted = grantedPermissions(roleStatements(other.tf, 'wq-test-batch'));

    // Assess
    expect(granted).toEqual(sorted(batchPermissions(other.tf, batchBucketArn, modelBucketArn)));
  });

  it("scopes bucket listing to the experiment's model folders", () => {
    // Prepare / Act
    const listing = rolePolicyStatements(created.tf).filter((s) => s.Action?.includes('s3:ListBucket'));

    // Assess
    expect(listing).toHaveLength(1);
    expect(listing[0]?.Condition).toEqual({ StringLike: { 's3:prefix': ['7/*/artifacts/model/*'] } });
  });

  it('uses no resource wildcard except inside the prefixes it scopes to and for the run id of a model folder', () => {
    // Prepare / Act
    const resources = rolePolicyStatements(created.tf).flatMap((s) =>
      Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? ''],
    );

    // Assess
    for (const resource of resources) {
      expect(resource).toMatch(/^\$\{[^}]+\}/); // every grant is on a resource of this stack
      expect(
        resource.replace(/\/\*$|:\*$/, '').replace('/7/*/artifacts/model', '/7/<run>/artifacts/model'),
      ).not.toContain('*');
    }
  });

  it('lets only Lambda assume the role, and attaches no managed policy', () => {
    // Prepare
    const role = resourceWhere(created.tf, 'aws_iam_role', 'name', 'wq-test-scorer').body;

    // Act
    const trust = JSON.parse(role.assume_role_policy as string) as unknown;

    // Assess
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:AssumeRole'] },
      ],
    });
    expect(role).not.toHaveProperty('managed_policy_arns');
    expect(resourcesOf(created.tf, 'aws_iam_role_policy_attachment')).toEqual({});
    expect(resourcesOf(created.tf, 'aws_iam_policy_attachment')).toEqual({});
    // The one managed policy is the lifecycle operator's, for people and CI roles; the scorer never gets it.
    expect(Object.values(resourcesOf(created.tf, 'aws_iam_policy')).map((p) => p.name)).toEqual([
      'wq-test-model-lifecycle',
    ]);
  });

  it('scopes S3 permissions to an existing bucket the same way', () => {
    // Prepare
    const existing = synthStack((c) => {
      c.model.bucket = { mode: 'existing', name: 'team-models' };
    });
    const [bucketId] = Object.keys(existing.tf.data?.aws_s3_bucket ?? {});
    const bucketArn = ref('data.aws_s3_bucket', bucketId!, 'arn');

    // Act
    const granted = grantedPermissions(rolePolicyStatements(existing.tf));

    // Assess
    expect(granted['s3:GetObject']).toEqual([`${bucketArn}/7/*/artifacts/model/*`]);
    expect(granted['s3:PutObject']).toEqual([`${bucketArn}/quarantine/*`]);
  });

  it('grants the same whatever run the function starts with: promoting another run needs no apply', () => {
    // Prepare
    const newRun = 'fedcba9876543210fedcba9876543210';

    // Act
    const other = synthStack((c) => {
      c.model.runId = newRun;
    });

    // Assess
    expect(newRun).not.toBe(RUN_ID);
    expect(grantedPermissions(rolePolicyStatements(other.tf))).toEqual(
      grantedPermissions(rolePolicyStatements(created.tf)),
    );
  });

  describe('the auditor itself', () => {
    const allowlist: Allowlist = { 'kinesis:PutRecord': ['arn:stream/out'] };

    it.each([
      [
        'a wildcard action',
        { Effect: 'Allow', Action: 'kinesis:*', Resource: 'arn:stream/out' },
        'wildcard action',
      ],
      ['a "*" action', { Effect: 'Allow', Action: ['*'], Resource: ['arn:stream/out'] }, 'wildcard action'],
      [
        'an unexpected action',
        { Effect: 'Allow', Action: ['kinesis:GetRecords'], Resource: ['arn:stream/out'] },
        'unexpected action',
      ],
      [
        'a resource outside the allowlist',
        { Effect: 'Allow', Action: ['kinesis:PutRecord'], Resource: ['*'] },
        'unexpected resource',
      ],
      ['NotAction', { Effect: 'Allow', NotAction: ['iam:*'], Resource: ['*'] }, 'NotAction'],
      [
        'a Deny without a condition',
        { Effect: 'Deny', Action: ['s3:*'], Resource: ['*'] },
        'Deny without a Condition',
      ],
    ])('reports %s', (_label, statement, message) => {
      // Prepare / Act
      const problems = auditStatements([statement], allowlist);

      // Assess
      expect(problems.join('\n')).toContain(message);
    });

    it('passes an exact grant', () => {
      // Prepare / Act
      const problems = auditStatements(
        [{ Effect: 'Allow', Action: ['kinesis:PutRecord'], Resource: ['arn:stream/out'] }],
        allowlist,
      );

      // Assess
      expect(problems).toEqual([]);
    });
  });
});
