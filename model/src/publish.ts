/**
 * Publishing run folders to S3 in the MLflow-compatible layout of docs/contract.md §3
 * (`s3://{bucket}/{experiment}/{run_id}/artifacts/model/…`) and listing what is published.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ARTIFACT_FILES, EXPERIMENT_ID_PATTERN, modelPrefix, RUN_ID_PATTERN } from './contract';
import { ArtifactError } from './errors';
import { loadSignature, runFiles } from './runStore';

/** The one S3 operation family used here; a real `S3Client` satisfies it. */
export type S3Sender = Pick<S3Client, 'send'>;

/** Where and what to publish. */
export interface PublishOptions {
  readonly client: S3Sender;
  readonly bucket: string;
  readonly experimentId: string;
  readonly runId: string;
  /** The local run folder holding the five artifact files. */
  readonly dir: string;
}

/** What was uploaded. */
export interface PublishedRun {
  readonly uri: string;
  readonly keys: readonly string[];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.onnx': 'application/octet-stream',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
};

function checkExperiment(experimentId: string): void {
  if (!EXPERIMENT_ID_PATTERN.test(experimentId)) {
    throw new ArtifactError(
      `experiment id ${JSON.stringify(experimentId)} must match ${String(EXPERIMENT_ID_PATTERN)}`,
    );
  }
}

/**
 * Uploads a run folder. `signature.json` goes last, so a reader that finds it can rely on the other files being there.
 *
 * @throws {@link ArtifactError} when the folder lacks a file or its signature names another run
 * @example
 * await publishRun({ client: createS3Client(), bucket: 'wine-models', experimentId: '1', runId, dir: runDir(runId) });
 */
export async function publishRun(options: PublishOptions): Promise<PublishedRun> {
  const { client, bucket, experimentId, runId, dir } = options;
  if (!RUN_ID_PATTERN.test(runId))
    throw new ArtifactError(`run id ${JSON.stringify(runId)} is not 32 lowercase hex`);
  checkExperiment(experimentId);
  const files = runFiles(dir);
  const signature = loadSignature(dir);
  if (signature.run_id !== runId) {
    throw new ArtifactError(`${dir} holds run ${signature.run_id}, not ${runId}`);
  }
  const prefix = modelPrefix(experimentId, runId);
  const order = [...files.keys()].sort(
    (a, b) => Number(a === ARTIFACT_FILES.signature) - Number(b === ARTIFACT_FILES.signature),
  );
  const keys: string[] = [];
  for (const name of order) {
    const key = `${prefix}${name}`;
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        // A buffer, not a stream: a known length keeps the upload a plain PUT on every S3 implementation.
        Body: fs.readFileSync(files.get(name) as string),
        ContentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
      }),
    );
    keys.push(key);
  }
  return { uri: `s3://${bucket}/${prefix}`, keys };
}

/** A published run, as `model:list` shows it. */
export interface ListedRun {
  readonly experimentId: string;
  readonly runId: string;
  readonly featureSet: string;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Whether all five artifact files are present. */
  readonly complete: boolean;
}

/** The part of `metrics.json` the listing reads. */
const metricsSummarySchema = z.object({
  feature_set: z.string(),
  test: z.object({ accuracy: z.number(), macro_f1: z.number() }),
});

const MODEL_KEY = /^([^/]+)\/([0-9a-f]{32})\/artifacts\/model\/([^/]+)$/;

/**
 * Lists the runs published in `bucket` (one experiment, or all), with their test accuracy from `metrics.json`.
 * Runs whose metrics are missing or unreadable are skipped; incomplete folders are reported as such.
 */
export async function listRuns(options: {
  readonly client: S3Sender;
  readonly bucket: string;
  readonly experimentId?: string;
}): Promise<ListedRun[]> {
  const { client, bucket, experimentId } = options;
  if (experimentId !== undefined) checkExperiment(experimentId);
  const folders = new Map<string, Set<string>>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: experimentId === undefined ? undefined : `${experimentId}/`,
        ContinuationToken: token,
      }),
    );
    for (const { Key } of page.Contents ?? []) {
      const match = MODEL_KEY.exec(Key ?? '');
      if (!match) continue;
      const folder = `${match[1] as string}/${match[2] as string}`;
      let names = folders.get(folder);
      if (!names) folders.set(folder, (names = new Set()));
      names.add(match[3] as string);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);

  const runs: ListedRun[] = [];
  for (const [folder, names] of [...folders].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!names.has(ARTIFACT_FILES.metrics)) continue;
    const [experiment, runId] = folder.split('/') as [string, string];
    const object = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: `${modelPrefix(experiment, runId)}${ARTIFACT_FILES.metrics}`,
      }),
    );
    let summary: z.infer<typeof metricsSummarySchema>;
    try {
      summary = metricsSummarySchema.parse(JSON.parse((await object.Body?.transformToString()) ?? ''));
    } catch {
      continue;
    }
    runs.push({
      experimentId: experiment,
      runId,
      featureSet: summary.feature_set,
      accuracy: summary.test.accuracy,
      macroF1: summary.test.macro_f1,
      complete: Object.values(ARTIFACT_FILES).every((name) => names.has(name)),
    });
  }
  return runs;
}
