/**
 * The IAM roles the workflows assume: generated from the synthesized stacks, they cover every resource the stacks
 * create, by exact name, with exact actions; the read-only roles cannot change anything; the trust policies admit only
 * the workflows' own OIDC subjects.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../../../infra/app';
import { CONFIG_DIR, REPO_ROOT, RUNS_FILE, stackDirectory } from '../../../../infra/paths';
import {
  coveredTypes,
  deployPolicy,
  GRANTS,
  monitorPolicy,
  planPolicy,
  resourceName,
  trustPolicy,
  type PolicyContext,
  type PolicyDocument,
} from '../../../../scripts/ci/iamPolicies';
import { readStackFacts, type StackFacts } from '../../../../scripts/ci/stack';
import { loadWorkflows } from '../../../../scripts/ci/workflows';

const ACCOUNT = '123456789012';
const REPOSITORY = 'owner/wine-quality';

/** Both committed environments, synthesized into a temporary folder, with their state moved to S3 as CI requires. */
function synthesizedStacks(): StackFacts[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'iam-stacks-'));
  try {
    const { app, configs } = buildApp({
      outdir,
      repoRoot: REPO_ROOT,
      configDir: CONFIG_DIR,
      runsFile: RUNS_FILE,
    });
    app.synth();
    return configs.map((config) => {
      const file = path.join(stackDirectory(outdir, config.environment), 'cdk.tf.json');
      const facts = readStackFacts(JSON.parse(readFileSync(file, 'utf8')), config.environment, file);
      return {
        ...facts,
        backend: {
          type: 's3',
          bucket: 'acme-terraform-state',
          key: `wine/${config.environment}.tfstate`,
          region: config.region,
          dynamodbTable: undefined,
        },
      };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const STACKS = synthesizedStacks();
const stack = (environment: string): StackFacts => STACKS.find((s) => s.environment === environment)!;
const context = (environments: readonly string[], extra: Partial<PolicyContext> = {}): PolicyContext => ({
  account: ACCOUNT,
  repository: REPOSITORY,
  stacks: environments.map(stack),
  ...extra,
});

/** Every (action, resource) pair a policy allows; `*` resources as `*`. */
function grants(policy: PolicyDocument): { action: string; resources: readonly string[] | '*' }[] {
  return policy.Statement.flatMap((statement) =>
    statement.Action.map((action) => ({ action, resources: statement.Resource })),
  );
}

/** Whether the policy allows `action` on `arn` (IAM's `*` wildcard inside ARNs). */
function allows(policy: PolicyDocument, action: string, arn: string): boolean {
  return grants(policy).some(
    (grant) =>
      grant.action === action &&
      (grant.resources === '*' ||
        grant.resources.some((pattern) =>
          new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(arn),
        )),
  );
}

const MUTATING =
  /:(Create|Delete|Put|Update|Tag|Untag|Set|Publish|Add|Remove|Increase|Decrease|Start|Stop|Enable|Disable|Initiate|Upload|Complete|Subscribe|Unsubscribe|Pass|BatchDelete)/;

describe('the deploy role', () => {
  it('covers every kind of resource the stacks create', () => {
    // Prepare
    const covered = coveredTypes();

    // Act
    const uncovered = STACKS.flatMap((s) => s.resources.map((r) => r.type)).filter(
      (type) => !covered.has(type),
    );

    // Assess
    expect([...new Set(uncovered)]).toEqual([]);
  });

  it('notices a kind of resource it does not cover', () => {
    // Prepare: a stack with one more resource type than the policies know
    const extra = {
      type: 'aws_dynamodb_table',
      id: 'x',
      address: 'aws_dynamodb_table.x',
      body: { name: 'x' },
    };
    const grown = [...stack('stage').resources, extra];

    // Act
    const uncovered = grown.map((r) => r.type).filter((type) => !coveredTypes().has(type));

    // Assess
    expect(uncovered).toEqual(['aws_dynamodb_table']);
  });

  it.each(['stage', 'prod'])(
    'may create and manage each named resource of %s, by its exact name',
    (environment) => {
      // Prepare
      const policy = deployPolicy(context([environment]));
      const named = stack(environment).resources.filter((r) => GRANTS[r.type] !== undefined);

      // Act
      const missing = named.flatMap((resource) => {
        const grant = GRANTS[resource.type]!;
        const name = resourceName(resource);
        if (name === undefined) return [`${resource.address}: no literal name`];
        const arns = grant.arns(name, stack(environment), ACCOUNT);
        return [...grant.read, ...grant.write]
          .filter((action) => !arns.every((arn) => allows(policy, action, arn)))
          .map((action) => `${resource.address}: ${action}`);
      });

      // Assess
      expect(new Set(named.map((r) => r.type))).toEqual(new Set(Object.keys(GRANTS)));
      expect(missing).toEqual([]);
    },
  );

  it('cannot touch the other environment', () => {
    // Prepare
    const stagePolicy = deployPolicy(context(['stage']));
    const prod = stack('prod');

    // Act / Assess
    expect(
      allows(
        stagePolicy,
        'kinesis:DeleteStream',
        `arn:aws:kinesis:${prod.region}:${ACCOUNT}:stream/${prod.inputStream}`,
      ),
    ).toBe(false);
    expect(
      allows(
        stagePolicy,
        'lambda:UpdateAlias',
        `arn:aws:lambda:${prod.region}:${ACCOUNT}:function:${prod.functionName}:live`,
      ),
    ).toBe(false);
    expect(allows(stagePolicy, 's3:PutObject', `arn:aws:s3:::acme-terraform-state/wine/prod.tfstate`)).toBe(
      false,
    );
  });

  it('pulls, but cannot push, the image of the environment it copies from', () => {
    // Prepare
    const prodPolicy = deployPolicy(context(['prod'], { imageSources: [stack('stage')] }));
    const stageRepository = `arn:aws:ecr:${stack('stage').region}:${ACCOUNT}:repository/${stack('stage').ecrRepository.name}`;

    // Act / Assess
    expect(allows(prodPolicy, 'ecr:BatchGetImage', stageRepository)).toBe(true);
    expect(allows(prodPolicy, 'ecr:PutImage', stageRepository)).toBe(false);
  });

  it('writes its own state and lock file only', () => {
    // Prepare
    const policy = deployPolicy(context(['stage']));
    const state = 'arn:aws:s3:::acme-terraform-state/wine/stage.tfstate';

    // Act / Assess
    expect(allows(policy, 's3:PutObject', state)).toBe(true);
    expect(allows(policy, 's3:DeleteObject', `${state}.tflock`)).toBe(true);
    expect(allows(policy, 's3:DeleteObject', state)).toBe(false);
    expect(allows(policy, 's3:PutObject', 'arn:aws:s3:::acme-terraform-state/other.tfstate')).toBe(false);
  });

  it.each(['stage', 'prod'])('stays within IAM’s inline policy size for %s', (environment) => {
    // Prepare: the largest variant (copying an image, reading labelled data)
    const policy = deployPolicy(
      context([environment], {
        imageSources: STACKS,
        dataLocation: { bucket: 'acme-labels', prefix: 'wine/' },
      }),
    );

    // Act
    const characters = JSON.stringify(policy).replace(/\s/g, '').length;

    // Assess
    expect(characters).toBeLessThan(10_240);
  });
});

describe('every role', () => {
  it.each([
    ['deploy', deployPolicy(context(['stage'], { imageSources: STACKS }))],
    ['plan', planPolicy(context(['stage']))],
    ['monitor', monitorPolicy(context(['prod']))],
  ])('%s: exact actions; "*" resources only where AWS has no resource-level permission', (_role, policy) => {
    // Act
    const wildcardActions = grants(policy).filter((grant) => grant.action.includes('*'));
    const starResources = policy.Statement.filter((s) => s.Resource === '*');

    // Assess
    expect(wildcardActions).toEqual([]);
    for (const statement of starResources) {
      expect(
        statement.Action.every((a) => ['ecr:GetAuthorizationToken'].includes(a)) ||
          statement.Condition !== undefined,
      ).toBe(true);
    }
  });

  it('plan and monitor change nothing', () => {
    // Act
    const changing = [planPolicy(context(['stage'])), monitorPolicy(context(['prod']))]
      .flatMap(grants)
      .map((grant) => grant.action)
      .filter((action) => MUTATING.test(action));

    // Assess
    expect(changing).toEqual([]);
    expect(MUTATING.test('kinesis:DeleteStream')).toBe(true);
  });
});

describe('trust', () => {
  const subjects = (role: 'deploy' | 'plan' | 'monitor', environments: string[]) =>
    trustPolicy(role, context(environments)).Statement[0].Condition.StringLike?.[
      'token.actions.githubusercontent.com:sub'
    ];

  it('the deploy role of an environment admits only jobs bound to that GitHub environment', () => {
    // Assess
    expect(subjects('deploy', ['prod'])).toEqual([`repo:${REPOSITORY}:environment:prod`]);
    expect(trustPolicy('deploy', context(['prod'])).Statement[0].Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
    });
  });

  it('the read-only roles admit pull requests (plan) and main (plan, monitor), never an environment', () => {
    // Assess
    expect(subjects('plan', ['stage'])).toEqual([
      `repo:${REPOSITORY}:pull_request`,
      `repo:${REPOSITORY}:ref:refs/heads/main`,
    ]);
    expect(subjects('monitor', ['prod'])).toEqual([`repo:${REPOSITORY}:ref:refs/heads/main`]);
  });

  it('every job that assumes the deploy role runs in an environment the roles are made for', () => {
    // Prepare
    const environments = new Set(STACKS.map((s) => s.environment));

    // Act
    const jobs = loadWorkflows(REPO_ROOT).flatMap((workflow) =>
      workflow.jobs
        .filter((job) =>
          job.steps.some((step) => String(step.with['role-to-assume']).includes('AWS_DEPLOY_ROLE_ARN')),
        )
        .map((job) => ({ job: `${workflow.file} › ${job.id}`, environment: job.environment })),
    );

    // Assess
    expect(jobs.length).toBeGreaterThanOrEqual(5);
    expect(jobs.filter((j) => j.environment === undefined || !environments.has(j.environment))).toEqual([]);
  });
});

describe('docs/ci-cd.md', () => {
  /** The JSON block that follows `<!-- generated: <name> -->` in the page. */
  function generatedBlock(name: string): unknown {
    const page = readFileSync(path.join(REPO_ROOT, 'docs', 'ci-cd.md'), 'utf8');
    const block = new RegExp(`<!-- generated: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(page);
    if (block === null) throw new Error(`docs/ci-cd.md has no generated block "${name}"`);
    return JSON.parse(block[1]!);
  }

  it('shows the stage deploy role exactly as the generator makes it', () => {
    // Prepare: the page's example, the S3 state of its setup section
    const stage = stack('stage');
    const example: PolicyContext = {
      account: '123456789012',
      repository: 'OWNER/REPO',
      stacks: [
        {
          ...stage,
          backend: {
            ...stage.backend,
            type: 's3',
            bucket: 'acme-terraform-state',
            key: 'wine-quality/stage.tfstate',
            region: stage.region,
            dynamodbTable: undefined,
          },
        },
      ],
    };

    // Act / Assess
    expect(generatedBlock('deploy trust stage')).toEqual(trustPolicy('deploy', example));
    expect(generatedBlock('deploy permissions stage')).toEqual(deployPolicy(example));
  });
});
