/**
 * The model package's public surface for the rest of the repository (scripts, infra, docker): the committed runs,
 * publishing to and listing the model bucket, the wine data reader, the errors its CLIs print, and the classification
 * metrics and seeded generator the promotion gate reuses. The artifact contract
 * itself (feature names, signature schema, S3 layout) is `model/src/contract.ts`, which has no I/O, so the function can
 * import it without pulling in file access. Lint keeps everything else in `model/src/` private to the model.
 */
export * from './src/contract';
export {
  ARTIFACTS_ROOT,
  DEFAULT_RUN_ID,
  defaultRunId,
  loadSignature,
  readRuns,
  referenceRunId,
  runDir,
  runFiles,
  RUNS_FILE,
  type RunsFile,
} from './src/artifacts';
export { DATA_FILE, REPO_ROOT } from './src/paths';
export { parseWineCsv, type WineTable } from './src/data/csv';
export { heldOutRows, loadWhiteWine, testRowIndices, type HeldOutRows } from './src/heldOut';
export { publishRun, listRuns, type ListedRun, type PublishedRun, type S3Sender } from './src/publish';
export { ModelError, UsageError, CsvError, ArtifactError } from './src/errors';
export { confusionReport, evaluate, type ClassificationReport, type ClassScores } from './src/evaluation';
export { createRandom, type Random } from './src/random';
export { runCli } from './src/cli/run';
