/**
 * The project's rules for its workflows hold for the committed files, and each rule fails on a copy of a workflow
 * mutated to break it (so no rule passes vacuously).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repositoryFacts } from '../../../scripts/ci/checkWorkflows';
import {
  containerJobViolations,
  environmentViolations,
  environmentsChangedBy,
  missingNpmScripts,
  missingPermissions,
  npmScriptsIn,
  oidcViolations,
  securityViolations,
  smokeAfterDeploy,
  undocumentedVariables,
  unpinnedActions,
  variablesUsed,
} from '../../../scripts/ci/workflowRules';
import { loadWorkflows, parseWorkflow, type Workflow } from '../../../scripts/ci/workflows';

const ROOT = path.resolve(__dirname, '../../..');
const WORKFLOWS = loadWorkflows(ROOT);
const FACTS = repositoryFacts(ROOT);

/** The committed workflows with one file's text changed; fails if the text to replace is not there. */
function mutated(file: string, from: string | RegExp, to: string): Workflow[] {
  return WORKFLOWS.map((workflow) => {
    if (workflow.file !== file) return workflow;
    const source = workflow.source.replace(from, to);
    if (source === workflow.source) throw new Error(`${file} does not contain ${String(from)}`);
    const copy = parseWorkflow(file, source);
    // A copy that no longer parses would break every rule at once, proving none of them.
    if (copy.data === undefined) throw new Error(`the mutated ${file} is not valid YAML`);
    return copy;
  });
}

const messages = (violations: readonly { message: string }[]) => violations.map((v) => v.message);

describe('npm scripts the workflows run', () => {
  it('all exist in package.json', () => {
    // Act
    const violations = missingNpmScripts(WORKFLOWS, FACTS.scripts);

    // Assess
    expect(messages(violations)).toEqual([]);
  });

  it('are found in every form a script can call them', () => {
    // Act
    const names = npmScriptsIn('npm ci\nnpm test\nnpm run -s synth && npm run-script model:list -- --env x');

    // Assess
    expect(names).toEqual(['test', 'synth', 'model:list']);
  });

  it('fail the rule when one is not in package.json', () => {
    // Prepare
    const workflows = mutated('ci.yml', 'run: npm run synth', 'run: npm run synthesize');

    // Act
    const violations = missingNpmScripts(workflows, FACTS.scripts);

    // Assess
    expect(messages(violations)).toContain(
      'ci.yml › infra › npm run synthesize: runs "npm run synthesize", which package.json does not define',
    );
  });
});

describe('pinned actions', () => {
  it('every uses: is a 40-hex commit SHA with its version in a comment', () => {
    // Assess
    expect(messages(unpinnedActions(WORKFLOWS))).toEqual([]);
  });

  it('fail on a tag', () => {
    // Prepare
    const workflows = mutated('drift.yml', /actions\/github-script@[0-9a-f]{40}/, 'actions/github-script@v8');

    // Act / Assess
    expect(messages(unpinnedActions(workflows))).toEqual([
      'drift.yml › issue › actions/github-script@v8: "actions/github-script@v8" is not pinned to a 40-hex commit SHA',
    ]);
  });

  it('fail on a SHA without its version comment', () => {
    // Prepare
    const workflows = mutated('model.yml', /(upload-artifact@[0-9a-f]{40}) # v6\.0\.0/, '$1');

    // Act / Assess
    expect(messages(unpinnedActions(workflows))).toEqual([
      expect.stringMatching(
        /^model\.yml › candidate › actions\/upload-artifact@[0-9a-f]{40}: .* has no version comment/,
      ),
    ]);
  });
});

describe('permissions', () => {
  it('nothing by default, and every job lists its own', () => {
    // Assess
    expect(messages(missingPermissions(WORKFLOWS))).toEqual([]);
  });

  it('fail when a job has none', () => {
    // Prepare: the prod deploy job without its permissions block
    const workflows = mutated(
      'deploy.yml',
      /( {2}prod:[\s\S]*?) {4}permissions:\n {6}contents: read\n {6}id-token: write\n/,
      '$1',
    );

    // Act / Assess
    expect(messages(missingPermissions(workflows))).toEqual([
      'deploy.yml › prod: the job lists no permissions of its own',
    ]);
  });

  it('fail when the workflow grants write by default', () => {
    // Prepare
    const workflows = mutated('drift.yml', /^permissions: \{\}$/m, 'permissions:\n  issues: write');

    // Act / Assess
    expect(messages(missingPermissions(workflows))).toEqual([
      'drift.yml: top-level permissions must be {} or read-only scopes',
    ]);
  });
});

describe('OIDC', () => {
  it('every AWS job assumes a role from a variable with id-token: write', () => {
    // Assess
    expect(messages(oidcViolations(WORKFLOWS))).toEqual([]);
  });

  it('fail on a role written into the workflow', () => {
    // Prepare
    const workflows = mutated(
      'deploy.yml',
      /role-to-assume: \$\{\{ vars\.AWS_DEPLOY_ROLE_ARN \}\}(\n\s+role-session-name: deploy-stage)/,
      'role-to-assume: arn:aws:iam::123456789012:role/deploy$1',
    );

    // Act / Assess
    expect(messages(oidcViolations(workflows))).toEqual([
      expect.stringMatching(
        /^deploy\.yml › stage › aws-actions\/configure-aws-credentials@[0-9a-f]{40}: role-to-assume must be/,
      ),
    ]);
  });

  it('fail on access keys', () => {
    // Prepare
    const workflows = mutated(
      'drift.yml',
      'role-session-name:',
      'aws-access-key-id: AKIAEXAMPLE\n          role-session-name:',
    );

    // Act / Assess
    expect(messages(oidcViolations(workflows))).toEqual([
      expect.stringMatching(/passes aws-access-key-id: use OIDC$/),
    ]);
  });

  it('fail without id-token: write', () => {
    // Prepare: the drift monitor job without id-token
    const workflows = mutated(
      'drift.yml',
      /( {2}monitor:[\s\S]*?contents: read\n) {6}id-token: write\n/,
      '$1',
    );

    // Act / Assess
    expect(messages(oidcViolations(workflows))).toEqual([
      'drift.yml › monitor: configures AWS credentials without permissions id-token: write',
    ]);
  });
});

describe('changes to an environment', () => {
  it('run in that GitHub environment, one at a time per environment', () => {
    // Assess
    expect(messages(environmentViolations(WORKFLOWS))).toEqual([]);
  });

  it('are found in deploy, promote and rollback commands', () => {
    // Act
    const changed = environmentsChangedBy(
      'npm run deploy -- stage -auto-approve\nnpm run model:promote -- --run-id x --env prod\nnpm run model:rollback -- --env qa',
    );

    // Assess
    expect(changed).toEqual(['stage', 'prod', 'qa']);
  });

  it('fail when the prod deploy is not behind the prod environment', () => {
    // Prepare
    const workflows = mutated('deploy.yml', /^ {4}environment: prod\n/m, '');

    // Act / Assess
    expect(messages(environmentViolations(workflows))).toEqual([
      'deploy.yml › prod: changes prod but runs in environment (none)',
    ]);
  });

  it('fail when the prod promotion is not behind the prod environment', () => {
    // Prepare
    const workflows = mutated('model.yml', /^ {4}environment: prod\n/m, '    environment: stage\n');

    // Act / Assess
    expect(messages(environmentViolations(workflows))).toEqual([
      'model.yml › promote-prod: changes prod but runs in environment stage',
    ]);
  });

  it('fail when a change to an environment holds no concurrency group', () => {
    // Prepare
    const workflows = mutated(
      'deploy.yml',
      /( {2}stage:[\s\S]*?) {4}concurrency:\n {6}group: aws-stage\n {6}cancel-in-progress: false\n/,
      '$1',
    );

    // Act / Assess
    expect(messages(environmentViolations(workflows))).toEqual([
      'deploy.yml › stage: changes stage without a literal concurrency group',
    ]);
  });

  it('fail when two workflows lock one environment under different names', () => {
    // Prepare
    const workflows = mutated('model.yml', 'group: aws-stage', 'group: model-stage');

    // Act / Assess
    expect(messages(environmentViolations(workflows))).toEqual([
      'stage: jobs changing it use different concurrency groups: aws-stage, model-stage',
    ]);
  });

  it('fail when a queued change cancels the one in progress', () => {
    // Prepare
    const workflows = mutated('deploy.yml', /(group: aws-prod\n\s+cancel-in-progress:) false/, '$1 true');

    // Act / Assess
    expect(messages(environmentViolations(workflows))).toEqual([
      'deploy.yml › prod: must not cancel a change in progress (cancel-in-progress: false)',
    ]);
  });
});

describe('smoke test after each deploy', () => {
  it('follows every deploy in deploy.yml, for stage and for prod', () => {
    // Prepare
    const deploy = WORKFLOWS.find((w) => w.file === 'deploy.yml')!;
    const deploys = deploy.jobs.flatMap((job) =>
      job.steps.filter((s) => /npm run deploy -- \w+ .*--image-uri/.test(s.run ?? '')).map(() => job.id),
    );

    // Act
    const violations = smokeAfterDeploy(WORKFLOWS);

    // Assess
    expect(deploys).toEqual(['stage', 'prod']);
    expect(messages(violations)).toEqual([]);
  });

  it('fail when the smoke test is gone', () => {
    // Prepare
    const workflows = mutated('deploy.yml', 'npm run smoke -- --env prod', 'echo skipped');

    // Act / Assess
    expect(messages(smokeAfterDeploy(workflows))).toEqual([
      'deploy.yml › prod › npm run deploy (prod, by digest): no "npm run smoke -- --env prod" after this deploy',
    ]);
  });

  it('fail when the smoke test checks another environment', () => {
    // Prepare
    const workflows = mutated('deploy.yml', 'npm run smoke -- --env prod', 'npm run smoke -- --env stage');

    // Act / Assess
    expect(messages(smokeAfterDeploy(workflows))).toEqual([
      'deploy.yml › prod › npm run deploy (prod, by digest): no "npm run smoke -- --env prod" after this deploy',
    ]);
  });

  it('fail when a failed smoke test would not fail the job', () => {
    // Prepare
    const workflows = mutated(
      'deploy.yml',
      /(name: npm run smoke \(stage\)\n\s+id: smoke\n)/,
      '$1        continue-on-error: true\n',
    );

    // Act / Assess
    expect(messages(smokeAfterDeploy(workflows))).toEqual([
      'deploy.yml › stage › npm run smoke (stage): a failed smoke test must fail the job (continue-on-error)',
    ]);
  });
});

describe('the container job', () => {
  it('runs the root compose file docs/docker-compose.md documents, TEST_RUN=True then False, logs on failure', () => {
    // Prepare
    const guide = readFileSync(path.join(ROOT, 'docs', 'docker-compose.md'), 'utf8');
    const compose = parse(readFileSync(path.join(ROOT, FACTS.compose.file), 'utf8')) as {
      services: Record<string, { image?: string }>;
    };

    // Act
    const violations = containerJobViolations(WORKFLOWS, FACTS.compose);

    // Assess
    expect(guide).toMatch(/^docker compose up --build -d/m);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['lambda', 'kinesis']));
    expect(FACTS.compose.lambdaImage).toBe(compose.services.lambda?.image);
    expect(messages(violations)).toEqual([]);
  });

  it('fail when the job runs another compose file', () => {
    // Prepare
    const workflows = mutated(
      'ci.yml',
      /--file docker-compose\.yml up --detach --wait\n(\s+- name: npm run docker:invoke)/,
      '--file docker/other.yml up --detach --wait\n$1',
    );

    // Act / Assess
    expect(messages(containerJobViolations(workflows, FACTS.compose))).toEqual([
      'ci.yml › container › docker compose up (TEST_RUN=True): runs docker/other.yml, not docker-compose.yml',
    ]);
  });

  it('fail when the image is built for another platform or under another tag', () => {
    // Prepare
    const arm = mutated('ci.yml', '--platform linux/amd64', '--platform linux/arm64');
    const tag = mutated('ci.yml', '--tag wine-quality-scorer:local', '--tag scorer:ci');

    // Act / Assess
    const expected = [
      `ci.yml › container: no docker build --platform linux/amd64 --tag ${FACTS.compose.lambdaImage}`,
    ];
    expect(messages(containerJobViolations(arm, FACTS.compose))).toEqual(expected);
    expect(messages(containerJobViolations(tag, FACTS.compose))).toEqual(expected);
  });

  it('fail without the TEST_RUN=True invoke', () => {
    // Prepare
    const workflows = mutated(
      'ci.yml',
      'run: npm run docker:invoke -- --wait-seconds 60',
      'run: echo no invoke',
    );

    // Act / Assess
    expect(messages(containerJobViolations(workflows, FACTS.compose))).toEqual([
      'ci.yml › container: no compose up with TEST_RUN=True followed by npm run docker:invoke',
    ]);
  });

  it('fail without the TEST_RUN=False read-back from the compose kinesis service', () => {
    // Prepare
    const workflows = mutated('ci.yml', "TEST_RUN: 'False'", "TEST_RUN: 'True'");

    // Act / Assess
    expect(messages(containerJobViolations(workflows, FACTS.compose))).toEqual([
      'ci.yml › container: no compose up with TEST_RUN=False followed by the read-back from the compose kinesis service',
    ]);
  });

  it("fail when the services' logs are not printed on failure", () => {
    // Prepare
    const workflows = mutated(
      'ci.yml',
      /(name: Compose service logs\n\s+)if: failure\(\)/,
      '$1if: success()',
    );

    // Act / Assess
    expect(messages(containerJobViolations(workflows, FACTS.compose))).toEqual([
      "ci.yml › container: no step prints the compose services' logs on failure",
    ]);
  });
});

describe('hardening', () => {
  it('no pull_request_target, no persisted token, no secrets in scripts, bash with pipefail', () => {
    // Assess
    expect(messages(securityViolations(WORKFLOWS))).toEqual([]);
  });

  it('fail on pull_request_target', () => {
    // Prepare
    const workflows = mutated('ci.yml', /^ {2}pull_request:$/m, '  pull_request_target:');

    // Act / Assess
    expect(messages(securityViolations(workflows))).toEqual(['ci.yml: uses pull_request_target']);
  });

  it('fail on a checkout that keeps its token', () => {
    // Prepare: the first checkout of drift.yml
    const workflows = mutated('drift.yml', 'persist-credentials: false', 'persist-credentials: true');

    // Act / Assess
    expect(messages(securityViolations(workflows))).toEqual([
      expect.stringMatching(
        /^drift\.yml › monitor › actions\/checkout@[0-9a-f]{40}: checkout without persist-credentials: false$/,
      ),
    ]);
  });

  it('fail on a script that reads a secret or traces its commands', () => {
    // Prepare
    const secret = mutated('ci.yml', 'run: npm test', 'run: echo "${{ secrets.TOKEN }}" && npm test');
    const trace = mutated('ci.yml', 'run: npm test', 'run: |\n          set -ex\n          npm test');

    // Act / Assess
    expect(messages(securityViolations(secret))).toEqual([
      'ci.yml › test › echo "${{ secrets.TOKEN }}" && npm test: a script touches secrets',
      'ci.yml › test › echo "${{ secrets.TOKEN }}" && npm test: an expression in the script: pass it through env:',
    ]);
    expect(messages(securityViolations(trace))).toEqual([
      'ci.yml › test › set -ex: set -x prints values into the log',
    ]);
  });

  it('fail on an expression pasted into a script', () => {
    // Prepare
    const workflows = mutated(
      'model.yml',
      'npx tsx scripts/ci/fetch-data.ts --location "$DATA"',
      'npx tsx scripts/ci/fetch-data.ts --location "${{ inputs.data }}"',
    );

    // Act / Assess
    expect(messages(securityViolations(workflows))).toEqual([
      'model.yml › candidate › Labelled data: an expression in the script: pass it through env:',
    ]);
  });

  it('fail when run: falls back to a shell without pipefail', () => {
    // Prepare
    const workflows = mutated('model.yml', /^defaults:\n {2}run:\n(\s*#.*\n)* {4}shell: bash\n/m, '');

    // Act / Assess
    expect(messages(securityViolations(workflows))).toEqual([
      'model.yml: defaults.run.shell must be bash (pipefail)',
    ]);
  });
});

describe('repository variables', () => {
  it('are all documented in docs/ci-cd.md', () => {
    // Act
    const violations = undocumentedVariables(WORKFLOWS, FACTS.documentation);

    // Assess
    expect(variablesUsed(WORKFLOWS)).toEqual([
      'AWS_DEPLOY_ROLE_ARN',
      'AWS_MONITOR_ROLE_ARN',
      'AWS_PLAN_ROLE_ARN',
      'LABELLED_DATA_LOCATION',
      'RETRAIN_FEATURE_SET',
    ]);
    expect(messages(violations)).toEqual([]);
  });

  it('fail when one is not documented', () => {
    // Prepare
    const documentation = FACTS.documentation.replaceAll('RETRAIN_FEATURE_SET', 'the feature set');

    // Act / Assess
    expect(messages(undocumentedVariables(WORKFLOWS, documentation))).toEqual([
      'docs/ci-cd.md: does not document the variable RETRAIN_FEATURE_SET',
    ]);
  });
});
