/**
 * Publishes the committed model runs (`model/artifacts/`) to the local model bucket in the MLflow layout the handler
 * reads (docs/contract.md §3), with the model's own `publishRun`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import { DEFAULT_RUN_ID, readRuns, runDir } from '../../model';
import { publishRun } from '../../model';

export interface PublishCommittedRunsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly experimentId: string;
  /** The run to serve; unset = the committed default. May also be a locally trained run under `model/artifacts/`. */
  readonly runId: string | undefined;
}

/**
 * Uploads every run listed in `runs.json` plus `runId` when it is another local run, so switching models is one
 * `RUN_ID` away.
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
  const published = [...new Set([runId, DEFAULT_RUN_ID, ...committed])];
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
