/**
 * What the project requires of its GitHub Actions workflows beyond what actionlint and the schema check (docs/ci-cd.md
 * explains why each rule exists). Each rule takes the parsed workflows and returns its violations, each naming the file,
 * the job and the step; an empty list means the rule holds. `npm run lint:workflows` and the tests run them all.
 */
import type { Workflow, WorkflowJob, WorkflowStep } from './workflows';

/** One broken rule, located. */
export interface Violation {
  readonly rule: string;
  /** `deploy.yml › stage › npm run smoke (stage): …` */
  readonly message: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const where = (workflow: Workflow, job?: WorkflowJob, step?: WorkflowStep): string =>
  [workflow.file, job?.id, step?.label].filter((part) => part !== undefined).join(' › ');

const violation = (rule: string, at: string, what: string): Violation => ({
  rule,
  message: `${at}: ${what}`,
});

/** Every step of every job, with its place. */
function* steps(workflows: readonly Workflow[]): Generator<[Workflow, WorkflowJob, WorkflowStep, number]> {
  for (const workflow of workflows) {
    for (const job of workflow.jobs) {
      for (const [index, step] of job.steps.entries()) yield [workflow, job, step, index];
    }
  }
}

/** `npm run X` / `npm run-script X` / `npm run -s X`, and the `npm test` / `npm start` shorthands. */
const NPM_RUN =
  /\bnpm\s+(?:run(?:-script)?\s+(?:(?:-s|--silent)\s+)?([A-Za-z0-9_.-](?:[A-Za-z0-9:_.-]*[A-Za-z0-9_.-])?)|(test|start)\b)/g;

/** The npm scripts a shell script calls. */
export function npmScriptsIn(run: string): string[] {
  return [...run.matchAll(NPM_RUN)].map((match) => match[1] ?? match[2] ?? '');
}

/**
 * Every `npm run X` (and `npm test`) a workflow runs is a script in package.json: a renamed or missing script fails
 * here, not in the middle of a deploy.
 */
export function missingNpmScripts(workflows: readonly Workflow[], scripts: ReadonlySet<string>): Violation[] {
  const found: Violation[] = [];
  for (const [workflow, job, step] of steps(workflows)) {
    for (const name of npmScriptsIn(step.run ?? '')) {
      if (!scripts.has(name)) {
        found.push(
          violation(
            'npm-scripts',
            where(workflow, job, step),
            `runs "npm run ${name}", which package.json does not define`,
          ),
        );
      }
    }
  }
  return found;
}

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^v\d+(\.\d+){0,2}$/;

/**
 * Every third-party action and reusable workflow is pinned to a full 40-hex commit SHA (a tag can be moved to other
 * code), with the version it stands for in a comment on the same line (`# v6.0.2`) so that reviews and updates can
 * read it. Local `./` references are code in this repository.
 */
export function unpinnedActions(workflows: readonly Workflow[]): Violation[] {
  const found: Violation[] = [];
  const check = (at: string, uses: string | undefined, comment: string | undefined) => {
    if (uses === undefined || uses.startsWith('./')) return;
    if (!PINNED.test(uses))
      found.push(violation('pinned-actions', at, `"${uses}" is not pinned to a 40-hex commit SHA`));
    else if (comment === undefined || !VERSION_COMMENT.test(comment)) {
      found.push(violation('pinned-actions', at, `"${uses}" has no version comment (# vX.Y.Z)`));
    }
  };
  for (const workflow of workflows) {
    for (const job of workflow.jobs) {
      check(where(workflow, job), job.uses, job.usesComment);
      for (const step of job.steps) check(where(workflow, job, step), step.uses, step.usesComment);
    }
  }
  return found;
}

const READ_ONLY = new Set(['read', 'none']);

/**
 * Least privilege: the workflow grants nothing by default (`permissions: {}` or read-only scopes) and every job lists
 * the scopes it needs, so no job silently inherits the repository's default token permissions.
 */
export function missingPermissions(workflows: readonly Workflow[]): Violation[] {
  const found: Violation[] = [];
  for (const workflow of workflows) {
    const top = workflow.data?.permissions;
    if (!isObject(top) || !Object.values(top).every((level) => READ_ONLY.has(String(level)))) {
      found.push(
        violation('permissions', workflow.file, 'top-level permissions must be {} or read-only scopes'),
      );
    }
    for (const job of workflow.jobs) {
      if (!isObject(job.permissions)) {
        found.push(violation('permissions', where(workflow, job), 'the job lists no permissions of its own'));
      }
    }
  }
  return found;
}

const CREDENTIALS_ACTION = 'aws-actions/configure-aws-credentials@';
const VARIABLE_ROLE = /^\$\{\{\s*vars\.[A-Z][A-Z0-9_]*\s*\}\}$/;
const STATIC_KEYS = ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'];

/**
 * AWS access is OIDC only: a job that configures AWS credentials has `id-token: write`, assumes a role named by a
 * repository (or environment) variable, and passes no access keys. A job granted `id-token: write` uses it.
 */
export function oidcViolations(workflows: readonly Workflow[]): Violation[] {
  const found: Violation[] = [];
  for (const workflow of workflows) {
    for (const job of workflow.jobs) {
      const credentials = job.steps.filter((step) => step.uses?.startsWith(CREDENTIALS_ACTION));
      const idToken = isObject(job.permissions) ? job.permissions['id-token'] : undefined;
      if (credentials.length > 0 && idToken !== 'write') {
        found.push(
          violation(
            'oidc',
            where(workflow, job),
            'configures AWS credentials without permissions id-token: write',
          ),
        );
      }
      if (credentials.length === 0 && job.uses === undefined && idToken === 'write') {
        found.push(violation('oidc', where(workflow, job), 'has id-token: write but never assumes a role'));
      }
      for (const step of credentials) {
        const role = step.with['role-to-assume'];
        if (typeof role !== 'string' || !VARIABLE_ROLE.test(role)) {
          found.push(
            violation('oidc', where(workflow, job, step), 'role-to-assume must be ${{ vars.NAME }}'),
          );
        }
        for (const key of STATIC_KEYS) {
          if (key in step.with)
            found.push(violation('oidc', where(workflow, job, step), `passes ${key}: use OIDC`));
        }
      }
    }
  }
  return found;
}

/** Commands that change a deployed environment, with where the environment name is. */
const CHANGES = [
  /\bnpm\s+run\s+(?:deploy|destroy)\s+--\s+([a-z][a-z0-9-]*)/g,
  /\bnpm\s+run\s+model:(?:promote|rollback)\s+--\s+(?:[^\n]*?\s)?--env\s+([a-z][a-z0-9-]*)/g,
];

/** The environments a shell script changes (deploy, destroy, promote, rollback). */
export function environmentsChangedBy(run: string): string[] {
  return [
    ...new Set(CHANGES.flatMap((pattern) => [...run.matchAll(pattern)].map((match) => match[1] ?? ''))),
  ];
}

/**
 * A job that changes an environment runs in that GitHub environment (so prod waits for its required reviewers and
 * only that environment's OIDC subject can assume the deploy role) and holds that environment's concurrency group,
 * the same literal group in every workflow and a different one per environment, without cancelling a run in progress:
 * two changes to one environment never overlap.
 */
export function environmentViolations(workflows: readonly Workflow[]): Violation[] {
  const found: Violation[] = [];
  const groups = new Map<string, Set<string>>();
  for (const workflow of workflows) {
    for (const job of workflow.jobs) {
      const changed = [...new Set(job.steps.flatMap((step) => environmentsChangedBy(step.run ?? '')))];
      if (changed.length === 0) continue;
      const at = where(workflow, job);
      if (changed.length > 1) {
        found.push(violation('environments', at, `changes ${changed.join(' and ')} in one job`));
        continue;
      }
      const environment = changed[0] ?? '';
      if (job.environment !== environment) {
        found.push(
          violation(
            'environments',
            at,
            `changes ${environment} but runs in environment ${job.environment ?? '(none)'}`,
          ),
        );
      }
      const group = job.concurrency?.group;
      if (group === undefined || group.includes('${{')) {
        found.push(
          violation('environments', at, `changes ${environment} without a literal concurrency group`),
        );
        continue;
      }
      if (job.concurrency?.cancelInProgress !== false) {
        found.push(
          violation('environments', at, 'must not cancel a change in progress (cancel-in-progress: false)'),
        );
      }
      groups.set(environment, (groups.get(environment) ?? new Set()).add(group));
    }
  }
  const owners = new Map<string, string>();
  for (const [environment, names] of groups) {
    if (names.size > 1) {
      found.push(
        violation(
          'environments',
          environment,
          `jobs changing it use different concurrency groups: ${[...names].join(', ')}`,
        ),
      );
    }
    for (const name of names) {
      const other = owners.get(name);
      if (other !== undefined && other !== environment) {
        found.push(violation('environments', environment, `shares concurrency group ${name} with ${other}`));
      }
      owners.set(name, environment);
    }
  }
  return found;
}

const DEPLOY = /\bnpm\s+run\s+deploy\s+--\s+([a-z][a-z0-9-]*)([^\n]*)/;

/**
 * Every deploy is followed, in the same job, by `npm run smoke -- --env <that environment>` that runs when the deploy
 * succeeded and can fail the job. A `-target=` apply (creating the image repository before the image exists) is a
 * step towards the deploy, not a deploy.
 */
export function smokeAfterDeploy(workflows: readonly Workflow[]): Violation[] {
  const found: Violation[] = [];
  for (const [workflow, job, step, index] of steps(workflows)) {
    const deploy = DEPLOY.exec(step.run ?? '');
    if (deploy === null || /(^|\s)["']?-target[= ]/.test(deploy[2] ?? '')) continue;
    const environment = deploy[1] ?? '';
    const smoke = job.steps
      .slice(index + 1)
      .find((later) =>
        new RegExp(`\\bnpm\\s+run\\s+smoke\\s+--\\s+--env\\s+${environment}\\b`).test(later.run ?? ''),
      );
    const at = where(workflow, job, step);
    if (smoke === undefined) {
      found.push(violation('smoke', at, `no "npm run smoke -- --env ${environment}" after this deploy`));
    } else if (smoke.continueOnError !== undefined && smoke.continueOnError !== false) {
      found.push(
        violation(
          'smoke',
          where(workflow, job, smoke),
          'a failed smoke test must fail the job (continue-on-error)',
        ),
      );
    } else if (smoke.if !== undefined) {
      found.push(
        violation(
          'smoke',
          where(workflow, job, smoke),
          `must run whenever the deploy succeeded, not only if: ${smoke.if}`,
        ),
      );
    }
  }
  return found;
}

/** What the container check expects of the compose file docs/docker-compose.md documents. */
export interface ComposeExpectations {
  /** The compose file at the repository root, as docs/docker-compose.md runs it. */
  readonly file: string;
  /** The `image:` of its lambda service (the tag the job must build). */
  readonly lambdaImage: string;
}

const COMPOSE = /\bdocker\s+compose\b([^\n]*)/g;

/**
 * The container job builds the image for linux/amd64 under the compose lambda service's tag, runs the root compose
 * file with `TEST_RUN=True` and `npm run docker:invoke`, then with `TEST_RUN=False` and reads the predictions back from
 * the compose kinesis service, prints the services' logs when something failed, and always takes the stack down.
 */
export function containerJobViolations(
  workflows: readonly Workflow[],
  compose: ComposeExpectations,
): Violation[] {
  const jobs = workflows.flatMap((workflow) =>
    workflow.jobs
      .filter((job) => job.steps.some((step) => /\bdocker\s+compose\b/.test(step.run ?? '')))
      .map((job) => [workflow, job] as const),
  );
  if (jobs.length === 0) return [violation('container', 'workflows', 'no job runs docker compose')];
  const found: Violation[] = [];
  for (const [workflow, job] of jobs) {
    const at = where(workflow, job);
    const runs = job.steps.map((step) => step.run ?? '');
    for (const [index, run] of runs.entries()) {
      for (const match of run.matchAll(COMPOSE)) {
        const file = /(?:--file|-f)[ =](\S+)/.exec(match[1] ?? '')?.[1];
        if (file !== undefined && file !== compose.file) {
          found.push(
            violation(
              'container',
              where(workflow, job, job.steps[index]),
              `runs ${file}, not ${compose.file}`,
            ),
          );
        }
      }
    }
    const find = (from: number, test: (step: WorkflowStep) => boolean): number => {
      const offset = job.steps.slice(from).findIndex(test);
      return offset < 0 ? -1 : from + offset;
    };
    const build = find(0, (s) => {
      const run = s.run ?? '';
      return (
        /\bdocker\s+build\b/.test(run) &&
        /--platform[ =]linux\/amd64\b/.test(run) &&
        new RegExp(`--tag[ =]${escape(compose.lambdaImage)}(\\s|$)`).test(run)
      );
    });
    if (build < 0)
      found.push(
        violation('container', at, `no docker build --platform linux/amd64 --tag ${compose.lambdaImage}`),
      );
    const up = (testRun: string) => (s: WorkflowStep) =>
      /\bdocker\s+compose\b[^\n]*\bup\b/.test(s.run ?? '') && s.env.TEST_RUN === testRun;
    const upTrue = find(Math.max(build, 0), up('True'));
    const invoke =
      upTrue < 0 ? -1 : find(upTrue + 1, (s) => /\bnpm\s+run\s+docker:invoke\b/.test(s.run ?? ''));
    if (upTrue < 0 || invoke < 0) {
      found.push(
        violation('container', at, 'no compose up with TEST_RUN=True followed by npm run docker:invoke'),
      );
    }
    const upFalse = find(Math.max(invoke, 0), up('False'));
    const readBack =
      upFalse < 0
        ? -1
        : find(upFalse + 1, (s) => /\bscripts\/ci\/compose-stream-check\.ts\b/.test(s.run ?? ''));
    if (upFalse < 0 || readBack < 0) {
      found.push(
        violation(
          'container',
          at,
          'no compose up with TEST_RUN=False followed by the read-back from the compose kinesis service',
        ),
      );
    }
    if (
      !job.steps.some(
        (s) => /\bfailure\(\)/.test(s.if ?? '') && /\bdocker\s+compose\b[^\n]*\blogs\b/.test(s.run ?? ''),
      )
    ) {
      found.push(violation('container', at, "no step prints the compose services' logs on failure"));
    }
    if (
      !job.steps.some(
        (s) => /\balways\(\)/.test(s.if ?? '') && /\bdocker\s+compose\b[^\n]*\bdown\b/.test(s.run ?? ''),
      )
    ) {
      found.push(violation('container', at, 'no step always takes the compose stack down'));
    }
  }
  return found;
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Hardening that no linter here checks: no `pull_request_target` (it runs with write access on code from forks),
 * checkouts keep no token in `.git/config`, scripts never touch `secrets` (a secret in a command line can reach the
 * log) nor trace commands (`set -x` prints the values), scripts take values through `env:` rather than `${{ }}` (an
 * expression is pasted into the script's text, so a value could become code), and `run:` uses bash with pipefail.
 */
export function securityViolations(workflows: readonly Workflow[]): Violation[] {
  const found: Violation[] = [];
  for (const workflow of workflows) {
    const on = workflow.data?.on;
    const triggers =
      typeof on === 'string'
        ? [on]
        : Array.isArray(on)
          ? on.map(String)
          : isObject(on)
            ? Object.keys(on)
            : [];
    if (triggers.includes('pull_request_target')) {
      found.push(violation('security', workflow.file, 'uses pull_request_target'));
    }
    const defaults = workflow.data?.defaults;
    const shell = isObject(defaults) && isObject(defaults.run) ? defaults.run.shell : undefined;
    if (shell !== 'bash')
      found.push(violation('security', workflow.file, 'defaults.run.shell must be bash (pipefail)'));
  }
  for (const [workflow, job, step] of steps(workflows)) {
    const at = where(workflow, job, step);
    if (step.uses?.startsWith('actions/checkout@') && step.with['persist-credentials'] !== false) {
      found.push(violation('security', at, 'checkout without persist-credentials: false'));
    }
    const run = step.run ?? '';
    if (
      /\bsecrets\./.test(run) ||
      Object.values(step.env).some((value) => /\bsecrets\./.test(String(value)))
    ) {
      found.push(violation('security', at, 'a script touches secrets'));
    }
    if (/(^|\s)set\s+-[a-wyz]*x/m.test(run))
      found.push(violation('security', at, 'set -x prints values into the log'));
    if (run.includes('${{')) {
      found.push(violation('security', at, 'an expression in the script: pass it through env:'));
    }
  }
  return found;
}

/** Every `vars.NAME` the workflows read. */
export function variablesUsed(workflows: readonly Workflow[]): string[] {
  return [
    ...new Set(
      workflows.flatMap((w) =>
        [...w.source.matchAll(/\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? ''),
      ),
    ),
  ].sort();
}

/** Every repository variable a workflow reads is documented (docs/ci-cd.md), so a fork can set it up. */
export function undocumentedVariables(workflows: readonly Workflow[], documentation: string): Violation[] {
  return variablesUsed(workflows)
    .filter((name) => !new RegExp(`\\b${name}\\b`).test(documentation))
    .map((name) => violation('variables', 'docs/ci-cd.md', `does not document the variable ${name}`));
}
