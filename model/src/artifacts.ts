/**
 * The committed reference runs under `model/artifacts/`: which run is the default, where a run's folder is, and typed
 * readers for its files. `runs.json` is the single source of truth for the default run id.
 *
 * @example
 * import { DEFAULT_RUN_ID, loadSignature, runDir } from '../../model/src/artifacts';
 * const signature = loadSignature(runDir(DEFAULT_RUN_ID)); // signature.features: the tensor's column order
 */
import { ARTIFACTS_ROOT } from './paths';
import { readRuns } from './runStore';

export { ARTIFACTS_ROOT } from './paths';
export { loadSignature, readRuns, runDir, runFiles, runsSchema, RUNS_FILE, type RunsFile } from './runStore';

/** The run id of the default model (the 3-feature reference run, docs/contract.md §3), read from `runs.json`. */
export const defaultRunId = (root: string = ARTIFACTS_ROOT): string => readRuns(root).default;

/** The default run id of the committed artifacts, read from `model/artifacts/runs.json` once, at import. */
export const DEFAULT_RUN_ID: string = defaultRunId();

/** The reference run id of a feature set (`all` = the 11-feature model), read from `runs.json`. */
export function referenceRunId(
  featureSet: 'all' | 'seed3',
  root: string = ARTIFACTS_ROOT,
): string | undefined {
  return readRuns(root).runs[featureSet];
}
