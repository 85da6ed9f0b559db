/**
 * Proves on a real Terraform plan who owns alias `live` and `RUN_ID` after the first deploy: the lifecycle commands.
 * The synthesized function and alias (with their `lifecycle` blocks, references made literal) are planned against a
 * state in which a promote and a rollback happened — `$LATEST`'s RUN_ID is another run and the alias points at an
 * older version than the newest. Three copies side by side:
 * - as synthesized: the plan changes nothing, so `npm run deploy` cannot undo the promote or the rollback;
 * - without the lifecycle blocks (the control): the plan would reset RUN_ID and drag the alias to the newest version
 *   — the blocks, nothing else, are what protect the promote;
 * - as synthesized with a new image (a code change): the plan publishes a new version carrying the promoted RUN_ID
 *   and leaves the alias where it is, for `npm run deploy` to roll it forward after a smoke test.
 */
import {
  offlineSkipReason,
  mirror,
  Workspace,
  type PlanJson,
  type PlannedChange,
} from './support/offlineTerraform';
import { PINNED_IMAGE, RUN_ID, onlyResource, synthStack, type TerraformJson } from './support/stackFixtures';

const suite = offlineSkipReason === undefined ? describe : describe.skip;

/** The run a promote made live (the configuration still names RUN_ID). */
const PROMOTED_RUN = 'fedcba9876543210fedcba9876543210';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/wq-test-scorer';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:wq-test-scorer';
/** The newest published version, and the older one a rollback sent the alias to. */
const NEWEST_VERSION = '9';
const LIVE_VERSION = '5';

type Body = Record<string, unknown>;

/** Replaces references to resources outside the function and alias by literals (the role by a valid ARN). */
function literal(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^\$\{aws_iam_role\.[^}]+\.arn\}$/.test(value)) return ROLE_ARN;
    return value.replace(/\$\{([^}]+)\}/g, (_, reference: string) =>
      reference.split('.').slice(-2).join('-'),
    );
  }
  if (Array.isArray(value)) return value.map(literal);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  }
  return value;
}

/** Three copies of the function + alias pair: as synthesized, without lifecycle blocks, with a new image. */
function scenarios(tf: TerraformJson): object {
  const fn = onlyResource(tf, 'aws_lambda_function');
  const alias = onlyResource(tf, 'aws_lambda_alias');
  const { depends_on: _dependsOn, ...fnBody } = fn.body;
  const copies: Record<string, { fn: Body; alias: Body }> = {};
  const pair = (name: string, change: (f: Body, a: Body) => void) => {
    const f = literal(fnBody) as Body;
    const a = JSON.parse(
      JSON.stringify(alias.body).replaceAll(`aws_lambda_function.${fn.id}.`, `aws_lambda_function.${name}.`),
    ) as Body;
    change(f, a);
    copies[name] = { fn: f, alias: a };
  };
  pair('synthesized', () => undefined);
  pair('control', (f, a) => {
    delete f.lifecycle;
    delete a.lifecycle;
  });
  pair('code_change', (f) => {
    f.image_uri = PINNED_IMAGE.replace(/@sha256:[0-9a-f]+$/, `@sha256:${'ef'.repeat(32)}`);
  });
  return {
    terraform: tf.terraform,
    provider: tf.provider,
    resource: {
      aws_lambda_function: Object.fromEntries(Object.entries(copies).map(([k, v]) => [k, v.fn])),
      aws_lambda_alias: Object.fromEntries(Object.entries(copies).map(([k, v]) => [k, v.alias])),
    },
  };
}

/** Values AWS would have filled in at creation, for the attributes the creation plan leaves unknown. */
function computed(type: string, name: string, tags: Record<string, string>): Body {
  const qualified = `${FUNCTION_ARN}-${name}`;
  return type === 'aws_lambda_function'
    ? {
        architectures: ['x86_64'],
        arn: qualified,
        code_sha256: 'c0de',
        ephemeral_storage: [{ size: 512 }],
        id: `wq-test-scorer-${name}`,
        invoke_arn: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${qualified}/invocations`,
        last_modified: '2026-01-01T00:00:00.000+0000',
        logging_config: [
          { application_log_level: '', log_format: 'Text', log_group: '/aws/lambda/x', system_log_level: '' },
        ],
        qualified_arn: `${qualified}:${NEWEST_VERSION}`,
        qualified_invoke_arn: `${qualified}:${NEWEST_VERSION}/invocations`,
        signing_job_arn: '',
        signing_profile_version_arn: '',
        source_code_hash: '',
        source_code_size: 0,
        tags_all: tags,
        tracing_config: [{ mode: 'PassThrough' }],
        version: NEWEST_VERSION,
      }
    : {
        arn: `${qualified}:live`,
        function_version: LIVE_VERSION,
        id: `${qualified}:live`,
        invoke_arn: `${qualified}:live/invocations`,
      };
}

/**
 * The state after the first deploy, a promote and a rollback: each planned resource with its planned values, the
 * computed ones filled in, the promoted RUN_ID in `$LATEST` and the alias on an older version.
 */
function stateAfterPromoteAndRollback(created: PlanJson, tags: Record<string, string>): object {
  const resources = (created.planned_values.root_module.resources ?? []).map((r) => {
    const change = created.resource_changes.find((c) => c.address === r.address);
    const unknown = Object.entries(change?.change.after_unknown ?? {})
      .filter(([, v]) => v === true)
      .map(([k]) => k);
    const fill = computed(r.type, r.name, tags);
    const missing = unknown.filter((k) => !(k in fill));
    if (missing.length > 0) throw new Error(`${r.address}: no stand-in for computed ${missing.join(', ')}`);
    const attributes: Body = { ...r.values, ...fill };
    if (r.type === 'aws_lambda_function') {
      const [environment] = attributes.environment as [{ variables: Record<string, string> }];
      attributes.environment = [{ variables: { ...environment.variables, RUN_ID: PROMOTED_RUN } }];
      // Deployed with the pinned image; the code_change copy's configuration names a newer one.
      attributes.image_uri = PINNED_IMAGE;
    }
    return {
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 0, attributes, sensitive_attributes: [] }],
    };
  });
  return {
    version: 4,
    terraform_version: '1.11.0',
    serial: 1,
    lineage: '6f1c3c7e-0000-4000-8000-000000000000',
    outputs: {},
    resources,
  };
}

suite(
  `alias live and RUN_ID belong to the lifecycle commands after the first deploy${offlineSkipReason === undefined ? '' : ` (skipped: ${offlineSkipReason})`}`,
  () => {
    jest.setTimeout(180_000);
    let workspace: Workspace;
    let changes: PlannedChange[];
    const change = (address: string): PlannedChange['change'] => {
      const found = changes.find((c) => c.address === address);
      if (!found) throw new Error(`no planned change for ${address}`);
      return found.change;
    };
    const runIdAfter = (address: string): unknown =>
      (change(address).after?.environment as { variables: Record<string, string> }[] | undefined)?.[0]
        ?.variables.RUN_ID;

    beforeAll(() => {
      const { tf } = synthStack((c) => {
        c.image = { uri: PINNED_IMAGE };
      }, undefined);
      workspace = new Workspace(scenarios(tf) as Record<string, unknown>, mirror!);
      const created = workspace.plan();
      // The provider's default tags, which AWS reports back in tags_all.
      const [provider] = tf.provider.aws as { default_tags: { tags: Record<string, string> }[] }[];
      const tags = provider?.default_tags[0]?.tags ?? {};
      workspace.write('terraform.tfstate', stateAfterPromoteAndRollback(created, tags));
      changes = workspace.plan().resource_changes;
    });
    afterAll(() => workspace.dispose());

    it('plans no change to the function or the alias as synthesized: a deploy keeps the promoted run and the rolled-back alias', () => {
      // Prepare / Act / Assess
      expect(change('aws_lambda_function.synthesized').actions).toEqual(['no-op']);
      expect(change('aws_lambda_alias.synthesized').actions).toEqual(['no-op']);
      expect(runIdAfter('aws_lambda_function.synthesized')).toBe(PROMOTED_RUN);
    });

    it('would undo both without the lifecycle blocks (the control)', () => {
      // Prepare / Act
      const alias = change('aws_lambda_alias.control');

      // Assess
      expect(change('aws_lambda_function.control').actions).toEqual(['update']);
      expect(runIdAfter('aws_lambda_function.control')).toBe(RUN_ID);
      expect(alias.actions).toEqual(['update']);
      expect(alias.before?.function_version).toBe(LIVE_VERSION);
      expect(alias.after_unknown.function_version).toBe(true);
    });

    it('publishes a new version with the promoted run for a code change and leaves the alias to the roll-forward', () => {
      // Prepare / Act
      const fn = change('aws_lambda_function.code_change');

      // Assess
      expect(fn.actions).toEqual(['update']);
      expect(fn.after_unknown.version).toBe(true);
      expect(runIdAfter('aws_lambda_function.code_change')).toBe(PROMOTED_RUN);
      expect(change('aws_lambda_alias.code_change').actions).toEqual(['no-op']);
    });
  },
);
