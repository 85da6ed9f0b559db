/** Where the model's committed inputs and outputs live in the repository. */
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The training data (UCI white wine), as recorded in metrics: repository-relative, forward slashes. */
export const DATA_FILE = 'model/data/winequality-white.csv';
/** Committed reference runs: `<ARTIFACTS_ROOT>/<run_id>/` plus `runs.json`. */
export const ARTIFACTS_ROOT = path.join(REPO_ROOT, 'model', 'artifacts');
