import { auditStatements, findPolicies, grantedPermissions, type Allowlist } from './support/policyAudit';
import {
  RUN_ID,
  onlyResource,
  ref,
  resourcesOf,
  synthStack,
  type TerraformJson,
} from './support/stackFixtures';

/** The permissions the scorer needs, written out independently of the construct that grants them. */
function expectedPermissions(tf: TerraformJson, bucketArn: string): Allowlist {
  const streamArn = (name: string): string => {
    const entry = Object.entries(resourcesOf(tf, 'aws_kinesis_stream')).find(([, s]) => s.name === name);
    if (entry === undefined) throw new Error(`no stream ${name}`);
    return ref('aws_kinesis_stream', entry[0], 'arn');
  };
  const input = streamArn('wq-test-input');
  const output = streamArn('wq-test-predictions');
  const queue = ref('aws_sqs_queue', onlyResource(tf, 'aws_sqs_queue').id, 'arn');
  const logs = `${ref('aws_cloudwatch_log_group', onlyResource(tf, 'aws_cloudwatch_log_group').id, 'arn')}:*`;
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
  return findPolicies(tf)
    .filter((p) => p.location.startsWith('aws_iam_role_policy.'))
    .flatMap((p) => p.statements);
}

describe('least privilege', () => {
  const created = synthStack();
  const createdBucketArn = ref('aws_s3_bucket', onlyResource(created.tf, 'aws_s3_bucket').id, 'arn');

  it('allows no wildcard action and no action or resource outside the allowlist in any policy of the stack', () => {
    // Prepare
    const allowlist = expectedPermissions(created.tf, createdBucketArn);
    // The lifecycle operator's managed policy has its own allowlist (lifecycleOperatorPolicy.test.ts).
    const policies = findPolicies(created.tf).filter(
      (p) => !p.location.startsWith('aws_iam_role.') && !p.location.startsWith('aws_iam_policy.'),
    );

    // Act
    const problems = policies.flatMap((p) =>
      auditStatements(p.statements, allowlist).map((m) => `${p.location}: ${m}`),
    );

    // Assess
    expect(policies.length).toBeGreaterThanOrEqual(7); // six inline role policies + the bucket's TLS guard
    expect(problems).toEqual([]);
  });

  it('grants the scorer exactly the permissions it needs, each on its one resource', () => {
    // Prepare
    const expected = expectedPermissions(created.tf, createdBucketArn);

    // Act
    const granted = grantedPermissions(rolePolicyStatements(created.tf));

    // Assess
    expect(granted).toEqual(Object.fromEntries(Object.entries(expected).map(([a, r]) => [a, [...r].sort()])));
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
    const role = onlyResource(created.tf, 'aws_iam_role').body;

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
