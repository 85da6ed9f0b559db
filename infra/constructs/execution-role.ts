/**
 * A Lambda function's execution role: trusted by Lambda only, with one inline policy per concern. Both functions
 * (scoring and batch) build theirs here, in their own scope with the same construct ids as before (`role`,
 * `policy-<name>`), so Terraform addresses do not move.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import { policyJson, type PolicyStatement } from '../iam';

/** The role and its inline policies (functions depend on the policies, so they exist before the first invocation). */
export interface ExecutionRole {
  readonly role: IamRole;
  readonly policies: IamRolePolicy[];
}

/**
 * @param policies - inline policies by name; each lists exact actions on exact resources
 */
export function executionRole(
  scope: Construct,
  options: {
    readonly name: string;
    readonly functionName: string;
    readonly policies: Record<string, readonly PolicyStatement[]>;
  },
): ExecutionRole {
  const role = new IamRole(scope, 'role', {
    name: options.name,
    description: `Execution role of ${options.functionName}`,
    assumeRolePolicy: policyJson([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:AssumeRole'] },
    ]),
  });
  const policies = Object.entries(options.policies).map(
    ([name, statements]) =>
      new IamRolePolicy(scope, `policy-${name}`, { name, role: role.id, policy: policyJson(statements) }),
  );
  return { role, policies };
}
