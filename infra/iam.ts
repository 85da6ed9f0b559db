/**
 * IAM policy documents as plain typed data, rendered to JSON at synth. Resource ARNs may be Terraform tokens
 * (`${aws_kinesis_stream.x.arn}`); they stay strings inside the JSON and Terraform interpolates them. Keeping the
 * documents literal (rather than `data.aws_iam_policy_document`) lets the tests parse exactly what AWS receives.
 */

/** One policy statement. `Action` lists exact actions: this project allows no wildcard in an Allow statement. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: string | Readonly<Record<string, string | readonly string[]>>;
  readonly Action: readonly string[];
  readonly Resource?: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A policy document (version 2012-10-17). */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Renders statements as a policy document JSON string. */
export function policyJson(statements: readonly PolicyStatement[]): string {
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  return JSON.stringify(document);
}
