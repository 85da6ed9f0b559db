/**
 * A small IAM policy auditor for synthesized stacks: finds every policy document in every resource, and checks
 * Allow statements against an explicit allowlist of (action → permitted resources).
 */
import type { TerraformJson } from './stackFixtures';

/** A statement as it appears in a policy document (single strings or lists). */
export interface RawStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy document found in the stack, with where it came from. */
export interface FoundPolicy {
  /** `type.logicalId.attribute`. */
  readonly location: string;
  readonly statements: RawStatement[];
}

const POLICY_ATTRIBUTES = ['policy', 'assume_role_policy'];

/** Every IAM policy document in the stack's resources (any `policy` / `assume_role_policy` with a `Statement`). */
export function findPolicies(tf: TerraformJson): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const [type, resources] of Object.entries(tf.resource)) {
    for (const [id, body] of Object.entries(resources)) {
      for (const attribute of POLICY_ATTRIBUTES) {
        const value = body[attribute];
        if (typeof value !== 'string') continue;
        const parsed = JSON.parse(value) as { Statement?: RawStatement | RawStatement[] };
        if (parsed.Statement === undefined) continue; // e.g. an ECR lifecycle policy
        found.push({ location: `${type}.${id}.${attribute}`, statements: toList(parsed.Statement) });
      }
    }
  }
  return found;
}

/** Action → the exact resources it may be granted on. */
export type Allowlist = Readonly<Record<string, readonly string[]>>;

/**
 * Problems with a set of statements: wildcard or unexpected actions, resources outside the allowlist, `Not*`
 * elements, and Deny statements without a condition (a bare Deny would be a mistake, not a guard).
 */
export function auditStatements(statements: readonly RawStatement[], allowlist: Allowlist): string[] {
  const problems: string[] = [];
  statements.forEach((statement, index) => {
    const where = `statement ${statement.Sid ?? index}`;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      problems.push(`${where}: uses NotAction/NotResource`);
    }
    if (statement.Effect === 'Deny') {
      if (statement.Condition === undefined) problems.push(`${where}: Deny without a Condition`);
      return;
    }
    if (statement.Effect !== 'Allow') {
      problems.push(`${where}: Effect must be Allow or Deny, got ${String(statement.Effect)}`);
      return;
    }
    for (const action of toList(statement.Action)) {
      if (/[*?]/.test(action)) {
        problems.push(`${where}: wildcard action ${action}`);
        continue;
      }
      const permitted = allowlist[action];
      if (permitted === undefined) {
        problems.push(`${where}: unexpected action ${action}`);
        continue;
      }
      for (const resource of toList(statement.Resource)) {
        if (!permitted.includes(resource))
          problems.push(`${where}: ${action} on unexpected resource ${resource}`);
      }
    }
  });
  return problems;
}

/** Action → resources actually granted by Allow statements. */
export function grantedPermissions(statements: readonly RawStatement[]): Record<string, string[]> {
  const granted: Record<string, string[]> = {};
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of toList(statement.Action)) {
      granted[action] = [...(granted[action] ?? []), ...toList(statement.Resource)].sort();
    }
  }
  return granted;
}

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
