/** Where things are, for tests: the repository root and the tools tests run as child processes. */
import path from 'node:path';

/** The repository root (this file is `test/helpers/paths.ts`). */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** tsx's CLI, to run a TypeScript entry point in a child process as `npm run` does. */
export const TSX_CLI = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
