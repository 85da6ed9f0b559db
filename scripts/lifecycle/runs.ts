/**
 * Finds a run by id — in `model/artifacts/<run>/`, else in the model bucket (`{experiment}/{run}/artifacts/model/`,
 * docs/contract.md §3) — and opens it with the function's own loader, which checks `signature.json` against the ONNX
 * graph. Whatever is wrong (no such run, a folder without `signature.json` or `model.onnx`, a graph that disagrees with
 * its signature) is one {@link LookupError} naming the run and the file.
 */
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModel, type LoadedModel } from '../../functions/adapters/modelLoader';
import { FunctionError } from '../../functions/errors';
import { ArtifactError, loadSignature, publishRun, runDir } from '../../model';
import { ARTIFACT_FILES, modelPrefix, RUN_ID_PATTERN, type ModelSignature } from '../../model/src/contract';
import { LookupError, oneLine, UsageError } from './errors';
import type { Target } from './target';
import type { ModelStore } from './versions';

/** A run found and checked, with its files in a local folder. */
export interface ResolvedRun {
  readonly runId: string;
  /** Folder holding its files (`model/artifacts/<run>/`, or a download of the bucket's copy). */
  readonly dir: string;
  /** Where it was found, for the output: `model/artifacts/<run>` or `s3://…/`. */
  readonly origin: string;
  readonly signature: ModelSignature;
}

/** The files a run must have to be compared, served and smoke-tested; `MODEL_CARD.md` is for people only. */
const REQUIRED = [ARTIFACT_FILES.signature, ARTIFACT_FILES.model] as const;
const OPTIONAL = [ARTIFACT_FILES.metrics, ARTIFACT_FILES.reference] as const;

/**
 * Checks a run id given on the command line.
 *
 * @throws UsageError naming the flag
 */
export function checkRunId(flag: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${flag} <run_id> is required`);
  if (!RUN_ID_PATTERN.test(value)) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a run id (32 lowercase hex characters)`);
  }
  return value;
}

/**
 * Finds `runId` locally, else in `store`, and checks its folder.
 *
 * @throws LookupError RUN_NOT_FOUND (looked in both places) or RUN_INVALID (a file missing or malformed)
 */
export async function resolveRun(
  runId: string,
  store: { readonly target: Target; readonly store: ModelStore } | undefined,
): Promise<ResolvedRun> {
  const local = runDir(runId);
  if (fs.existsSync(local)) return checkFolder(runId, local, path.relative(process.cwd(), local) || local);
  if (store === undefined) {
    throw new LookupError(
      'RUN_NOT_FOUND',
      `run ${runId} is not in model/artifacts/ (and without --local or --env there is no model bucket to look in)`,
    );
  }
  const { bucket, experimentId } = store.store;
  const prefix = modelPrefix(experimentId, runId);
  const origin = `s3://${bucket}/${prefix}`;
  const dir = path.join(os.tmpdir(), 'wine-lifecycle-runs', bucket, experimentId, runId);
  fs.mkdirSync(dir, { recursive: true });
  const found = await Promise.all(
    [...REQUIRED, ...OPTIONAL].map(async (name) => {
      const bytes = await getObject(store.target, bucket, `${prefix}${name}`);
      if (bytes !== undefined) fs.writeFileSync(path.join(dir, name), bytes);
      else fs.rmSync(path.join(dir, name), { force: true });
      return [name, bytes !== undefined] as const;
    }),
  );
  if (found.every(([, present]) => !present)) {
    throw new LookupError('RUN_NOT_FOUND', `run ${runId} is neither in model/artifacts/ nor in ${origin}`);
  }
  return checkFolder(runId, dir, origin);
}

function checkFolder(runId: string, dir: string, origin: string): ResolvedRun {
  const missing = REQUIRED.filter((name) => !fs.existsSync(path.join(dir, name)));
  if (missing.length > 0) {
    throw new LookupError('RUN_INVALID', `run ${runId} in ${origin} lacks ${missing.join(', ')}`);
  }
  let signature: ModelSignature;
  try {
    signature = loadSignature(dir);
  } catch (error) {
    if (error instanceof ArtifactError) {
      throw new LookupError('RUN_INVALID', `run ${runId}: ${oneLine(error.message)}`, { cause: error });
    }
    throw error;
  }
  if (signature.run_id !== runId) {
    throw new LookupError(
      'RUN_INVALID',
      `${origin}${path.sep}${ARTIFACT_FILES.signature} names run ${signature.run_id}, not ${runId}`,
    );
  }
  return { runId, dir, origin, signature };
}

/**
 * Opens the run with the function's own loader (signature ↔ graph check and a probe run), single-threaded.
 *
 * @throws LookupError RUN_INVALID naming the disagreement when the graph does not match the signature
 */
export async function openRun(run: ResolvedRun): Promise<LoadedModel> {
  try {
    return await loadModel(
      { kind: 'local', directory: run.dir },
      { intraOpNumThreads: 1, expectedRunId: run.runId },
    );
  } catch (error) {
    if (error instanceof FunctionError) {
      throw new LookupError('RUN_INVALID', `run ${run.runId} (${run.origin}): ${oneLine(error.message)}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Publishes a committed run to the model bucket unless its `signature.json` is there already (it is written last, so
 * its presence means the folder is complete).
 *
 * @returns whether it was uploaded
 */
export async function publishIfAbsent(target: Target, store: ModelStore, run: ResolvedRun): Promise<boolean> {
  const key = `${modelPrefix(store.experimentId, run.runId)}${ARTIFACT_FILES.signature}`;
  try {
    await target.s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }));
    return false;
  } catch (error) {
    if (!(error instanceof NotFound) && (error as Error).name !== 'NotFound') throw error;
  }
  await publishRun({
    client: target.s3,
    bucket: store.bucket,
    experimentId: store.experimentId,
    runId: run.runId,
    dir: run.dir,
  });
  return true;
}

async function getObject(target: Target, bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const object = await target.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await object.Body?.transformToByteArray();
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}
