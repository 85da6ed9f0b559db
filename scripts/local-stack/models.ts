/**
 * Publishes the committed model runs (`model/artifacts/`) to the local model bucket in the MLflow layout the handler
 * reads (docs/contract.md §3), with the model's own `publishRun`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ARTIFACTS_ROOT, DEFAULT_RUN_ID, readRuns, runDir } from '../../model';
import { publishRun } from '../../model';
import { RUN_ID_PATTERN } from '../../model/src/contract';

/** `model/artifacts/candidates.json`: committed runs to try a promotion with (they are nobody's default). */
export const CANDIDATES_FILE = path.join(ARTIFACTS_ROOT, 'candidates.json');

const candidatesSchema = z.object({
  candidates: z.array(
    z.object({
      run_id: z.string().regex(RUN_ID_PATTERN),
      feature_set: z.string(),
      /** How the run was trained, so it can be reproduced. */
      command: z.string(),
      why: z.string(),
    }),
  ),
});

/** A committed candidate run. */
export type CandidateRun = z.infer<typeof candidatesSchema>['candidates'][number];

/**
 * The committed candidate runs (none when the file is absent).
 *
 * @throws {Error} naming the file when it is malformed
 */
export function readCandidates(file: string = CANDIDATES_FILE): CandidateRun[] {
  if (!fs.existsSync(file)) return [];
  const parsed = candidatesSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.candidates;
}

export interface PublishCommittedRunsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly experimentId: string;
  /** The run to serve; unset = the committed default. May also be a locally trained run under `model/artifacts/`. */
  readonly runId: string | undefined;
}

/**
 * Uploads every run listed in `runs.json` and `candidates.json`, plus `runId` when it is another local run, so
 * switching models is one `RUN_ID` (or one `npm run model:promote -- --local`) away.
 *
 * @returns the run to serve and every run published
 * @throws {Error} when `runId` has no folder under `model/artifacts/`
 */
export async function publishCommittedRuns(
  options: PublishCommittedRunsOptions,
): Promise<{ runId: string; published: string[] }> {
  const runId = options.runId ?? DEFAULT_RUN_ID;
  const committed = Object.values(readRuns().runs);
  if (!fs.existsSync(runDir(runId))) {
    throw new Error(
      `RUN_ID=${runId} has no folder under model/artifacts/ (committed runs: ${committed.join(', ')}); ` +
        'train it with `npm run train` or choose a committed run',
    );
  }
  const candidates = readCandidates().map((c) => c.run_id);
  const published = [...new Set([runId, DEFAULT_RUN_ID, ...committed, ...candidates])];
  for (const id of published) {
    await publishRun({
      client: options.client,
      bucket: options.bucket,
      experimentId: options.experimentId,
      runId: id,
      dir: runDir(id),
    });
  }
  return { runId, published };
}
