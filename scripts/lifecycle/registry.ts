/**
 * The lifecycle registry: one JSON record per promote, refused promote, rollback and deploy roll-forward, in the model
 * bucket at `{experiment}/registry/{environment}/{time}-{action}-{random}.json`. Append-only: every key is new (the
 * time to the millisecond plus random hex), and the write is conditional (`If-None-Match: *`), which S3 refuses to
 * turn into an overwrite and the operator policy requires; s3rver ignores the header, where the unique key alone
 * keeps records apart. Keys sort by time, so listing the prefix gives the history in order.
 */
import { GetObjectCommand, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { registryPrefix } from '../../infra/index';
import { RUN_ID_PATTERN } from '../../model/src/contract';

const runVersion = z.object({
  runId: z.string().regex(RUN_ID_PATTERN),
  /** The function version; null when none was published (a refused promote). */
  version: z.string().nullable(),
});

/** One record (schema 1). */
export const registryRecordSchema = z.object({
  schema: z.literal(1),
  at: z.iso.datetime(),
  /** The caller: an AWS principal ARN, or `user@host` on the local stack. */
  who: z.string().min(1),
  environment: z.string().min(1),
  action: z.enum(['promote', 'rollback', 'deploy']),
  /** live: the alias serves `to`; refused: the gate said no; rolled-back: the smoke test failed and `from` serves again. */
  outcome: z.enum(['live', 'refused', 'rolled-back', 'failed']),
  from: runVersion,
  to: runVersion,
  /** The gate's figures (promote only). */
  gate: z
    .object({
      verdict: z.enum(['PROMOTE', 'REFUSE']),
      baselineRunId: z.string(),
      rows: z.number().int(),
      accuracy: z.object({ baseline: z.number(), candidate: z.number(), difference: z.number() }),
      macroF1: z.object({ baseline: z.number(), candidate: z.number() }),
      mcnemarP: z.number(),
      bootstrap95: z.tuple([z.number(), z.number()]),
      failed: z.array(z.string()),
    })
    .optional(),
  /** Promoted despite a REFUSE. */
  forced: z.boolean(),
  /** Why (required with --force). */
  reason: z.string().optional(),
  smoke: z
    .object({
      passed: z.boolean(),
      checked: z.number().int(),
      /** Put → prediction read, per canary, in ms. */
      latencyMs: z.array(z.number()),
      detail: z.string(),
    })
    .optional(),
  /** What went wrong, for outcome `failed`. */
  error: z.string().optional(),
});

export type RegistryRecord = z.infer<typeof registryRecordSchema>;

/** Where a registry lives. */
export interface RegistryLocation {
  readonly client: S3Client;
  readonly bucket: string;
  readonly experimentId: string;
}

/** The key prefix of one environment's records (all environments when `environment` is undefined). */
export function recordPrefix(experimentId: string, environment?: string): string {
  return `${registryPrefix(experimentId)}${environment === undefined ? '' : `${environment}/`}`;
}

/** A new record's key: sortable time (ISO 8601 with `:` and `.` as `-`), the action, 8 random hex. */
export function recordKey(
  record: Pick<RegistryRecord, 'at' | 'environment' | 'action'>,
  experimentId: string,
  suffix = randomBytes(4).toString('hex'),
): string {
  return `${recordPrefix(experimentId, record.environment)}${record.at.replace(/[:.]/g, '-')}-${record.action}-${suffix}.json`;
}

/**
 * Appends a record.
 *
 * @returns its key
 * @throws the SDK's error (`PreconditionFailed` on S3 if the key exists, which a random suffix makes impossible)
 */
export async function appendRecord(location: RegistryLocation, record: RegistryRecord): Promise<string> {
  const key = recordKey(record, location.experimentId);
  await location.client.send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: key,
      Body: `${JSON.stringify(registryRecordSchema.parse(record), null, 2)}\n`,
      ContentType: 'application/json',
      IfNoneMatch: '*',
    }),
  );
  return key;
}

/**
 * An environment's records (or every environment's), oldest first. Objects that are not records are skipped.
 *
 * @throws the SDK's error when the bucket cannot be listed
 */
export async function listRecords(
  location: RegistryLocation,
  environment?: string,
): Promise<RegistryRecord[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2(
    { client: location.client },
    { Bucket: location.bucket, Prefix: recordPrefix(location.experimentId, environment) },
  )) {
    for (const { Key } of page.Contents ?? []) if (Key?.endsWith('.json')) keys.push(Key);
  }
  // Sorted by the time in the file name, whatever the environment folder.
  keys.sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
  const records = await Promise.all(
    keys.map(async (key) => {
      const object = await location.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
      try {
        return registryRecordSchema.parse(JSON.parse((await object.Body?.transformToString('utf8')) ?? ''));
      } catch {
        return undefined;
      }
    }),
  );
  return records.filter((record): record is RegistryRecord => record !== undefined);
}

function basename(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
