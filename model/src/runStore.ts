/**
 * Run folders on disk: `runs.json` (which run is the reference of each feature set), a run's folder and its files.
 * Other parts import these through `artifacts.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  ARTIFACT_FILES,
  FEATURE_SETS,
  RUN_ID_PATTERN,
  signatureSchema,
  type FeatureSetName,
  type ModelSignature,
} from './contract';
import { ArtifactError } from './errors';
import { ARTIFACTS_ROOT } from './paths';

const runId = z.string().regex(RUN_ID_PATTERN, 'run ids are 32 lowercase hex characters');

/** `model/artifacts/runs.json`: the default run and the reference run of each feature set. */
export const runsSchema = z.object({
  default: runId,
  runs: z.partialRecord(z.enum(Object.keys(FEATURE_SETS) as [FeatureSetName, ...FeatureSetName[]]), runId),
});

export type RunsFile = z.infer<typeof runsSchema>;

/** Name of the index file inside the artifacts folder. */
export const RUNS_FILE = 'runs.json';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ArtifactError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ArtifactError(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads and validates `runs.json`.
 *
 * @throws {@link ArtifactError} when it is missing or malformed
 */
export function readRuns(root: string = ARTIFACTS_ROOT): RunsFile {
  const file = path.join(root, RUNS_FILE);
  const parsed = runsSchema.safeParse(readJson(file));
  if (!parsed.success) throw new ArtifactError(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The absolute folder of a committed (or locally trained) run.
 *
 * @throws {@link ArtifactError} for a malformed run id
 */
export function runDir(id: string, root: string = ARTIFACTS_ROOT): string {
  if (!RUN_ID_PATTERN.test(id))
    throw new ArtifactError(`run id ${JSON.stringify(id)} is not 32 lowercase hex characters`);
  return path.join(root, id);
}

/**
 * Reads and validates a run folder's `signature.json`.
 *
 * @throws {@link ArtifactError} when the file is missing or does not match `signatureSchema`
 */
export function loadSignature(dir: string): ModelSignature {
  const file = path.join(dir, ARTIFACT_FILES.signature);
  const parsed = signatureSchema.safeParse(readJson(file));
  if (!parsed.success) throw new ArtifactError(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Checks that `dir` holds every file of a run (docs/contract.md §3) and returns their absolute paths by file name.
 *
 * @throws {@link ArtifactError} naming the missing files
 */
export function runFiles(dir: string): Map<string, string> {
  const names = Object.values(ARTIFACT_FILES);
  const missing = names.filter((name) => !fs.existsSync(path.join(dir, name)));
  if (missing.length > 0) throw new ArtifactError(`run folder ${dir} lacks ${missing.join(', ')}`);
  return new Map(names.map((name) => [name, path.join(dir, name)]));
}

/** Writes a run's files into `<root>/<runId>/` (created if needed) and returns the folder. */
export function writeRun(root: string, id: string, files: ReadonlyMap<string, Uint8Array>): string {
  const dir = runDir(id, root);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of files) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

/**
 * Records `id` as the reference run of `featureSet` in `<root>/runs.json`; the default is the `seed3` run when there is
 * one (docs/contract.md §3), else this run.
 */
export function registerRun(root: string, featureSet: FeatureSetName, id: string): RunsFile {
  const file = path.join(root, RUNS_FILE);
  const current = fs.existsSync(file) ? readRuns(root) : { default: id, runs: {} };
  const runs = { ...current.runs, [featureSet]: id };
  const next: RunsFile = {
    default: runs.seed3 ?? current.default,
    runs: { seed3: runs.seed3, all: runs.all },
  };
  fs.writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
