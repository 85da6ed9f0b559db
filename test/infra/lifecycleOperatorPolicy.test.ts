import { auditStatements, findPolicies, grantedPermissions, type Allowlist } from './support/policyAudit';
import { onlyResource, ref, resourcesOf, synthStack, type TerraformJson } from './support/stackFixtures';

/** What promote, rollback, smoke, compare, list and history call, written out independently of the construct. */
function expectedPermissions(tf: TerraformJson): Allowlist {
  const fn = ref('aws_lambda_function', onlyResource(tf, 'aws_lambda_function').id, 'arn');
  const alias = ref('aws_lambda_alias', onlyResource(tf, 'aws_lambda_alias').id, 'arn');
  const bucket = ref('aws_s3_bucket', onlyResource(tf, 'aws_s3_bucket').id, 'arn');
  const stream = (name: string): string => {
    const [id] = Object.entries(resourcesOf(tf, 'aws_kinesis_stream')).find(([, s]) => s.name === name)!;
    return ref('aws_kinesis_stream', id, 'arn');
  };
  const [input, output] = [stream('wq-test-input'), stream('wq-test-predictions')];
  return {
    'lambda:GetFunctionConfiguration': [fn],
    'lambda:ListVersionsByFunction': [fn],
    'lambda:PublishVersion': [fn],
    'lambda:UpdateFunctionConfiguration': [fn],
    'lambda:GetAlias': [alias],
    'lambda:UpdateAlias': [alias],
    's3:GetObject': [`${bucket}/7/*/artifacts/model/*`, `${bucket}/7/registry/*`],
    's3:PutObject': [`${bucket}/7/*/artifacts/model/*`, `${bucket}/7/registry/*`],
    's3:ListBucket': [bucket],
    'kinesis:GetRecords': [input, output],
    'kinesis:GetShardIterator': [input, output],
    'kinesis:ListShards': [input, output],
    'kinesis:PutRecords': [input],
  };
}

describe('the lifecycle operator policy', () => {
  const { tf } = synthStack();
  const policy = onlyResource(tf, 'aws_iam_policy');
  const statements = findPolicies(tf).find(
    (p) => p.location === `aws_iam_policy.${policy.id}.policy`,
  )!.statements;

  it('grants exactly the actions the lifecycle commands call, each on its resource, with no wildcard action', () => {
    // Prepare
    const expected = expectedPermissions(tf);

    // Act
    const problems = auditStatements(statements, expected);
    const granted = grantedPermissions(statements);

    // Assess
    expect(problems).toEqual([]);
    expect(granted).toEqual(Object.fromEntries(Object.entries(expected).map(([a, r]) => [a, [...r].sort()])));
  });

  it('moves only the live alias, and publishes versions only of the scoring function', () => {
    // Prepare
    const aliasArn = ref('aws_lambda_alias', onlyResource(tf, 'aws_lambda_alias').id, 'arn');

    // Act
    const aliasStatement = statements.find((s) => s.Action?.includes('lambda:UpdateAlias'));

    // Assess
    expect(aliasStatement?.Resource).toEqual([aliasArn]);
    expect(statements.flatMap((s) => s.Action ?? [])).not.toContain('lambda:CreateAlias');
    expect(statements.flatMap((s) => s.Action ?? [])).not.toContain('lambda:UpdateFunctionCode');
  });

  it('lets registry records be added only as new objects, and nothing be deleted', () => {
    // Prepare
    const bucket = ref('aws_s3_bucket', onlyResource(tf, 'aws_s3_bucket').id, 'arn');

    // Act
    const registryWrite = statements.find(
      (s) => s.Action?.includes('s3:PutObject') && s.Resource?.includes(`${bucket}/7/registry/*`),
    );

    // Assess
    expect(registryWrite?.Condition).toEqual({ Null: { 's3:if-none-match': 'false' } });
    expect(JSON.stringify(statements)).not.toContain('Delete');
  });

  it('lists only the experiment', () => {
    // Prepare / Act
    const listing = statements.find((s) => s.Action?.includes('s3:ListBucket'));

    // Assess
    expect(listing?.Condition).toEqual({ StringLike: { 's3:prefix': ['7/*'] } });
  });

  it('is attached to nothing: a person or a CI role attaches it by the exported ARN', () => {
    // Prepare / Act
    const attachments = [
      'aws_iam_role_policy_attachment',
      'aws_iam_user_policy_attachment',
      'aws_iam_group_policy_attachment',
      'aws_iam_policy_attachment',
    ].flatMap((type) => Object.keys(resourcesOf(tf, type)));

    // Assess
    expect(attachments).toEqual([]);
    expect(policy.body.name).toBe('wq-test-model-lifecycle');
  });
});
