import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  ARTIFACT_FILES,
  referenceSchema,
  signatureSchema,
  type ModelReference,
  type ModelSignature,
} from '../../model/src/contract';
import type { ModelLocation } from '../config';
import { s3Key, s3Url, type S3Folder } from '../contract/s3Folder';
import { ModelLoadError, ModelNotFoundError } from '../errors';

/** The files the function needs from a model folder. */
export interface ModelArtifacts {
  readonly modelBytes: Uint8Array;
  readonly signature: ModelSignature;
  /** `reference.json`, for drift monitoring only: a model without one (or with a broken one) still scores. */
  readonly reference: ReferenceArtifact;
  /** Human-readable folder, e.g. `s3://wine-models/1/<run>/artifacts/model/` or a local path. */
  readonly location: string;
}

/** What became of `reference.json`: parsed, not there, or unusable: malformed or unreadable (with the reason). */
export type ReferenceArtifact =
  | { readonly status: 'loaded'; readonly reference: ModelReference; readonly location: string }
  | { readonly status: 'absent'; readonly location: string }
  | { readonly status: 'invalid'; readonly location: string; readonly error: ModelLoadError };

/** Reads one file of the model folder. */
type ReadFile = (name: string) => Promise<Uint8Array>;

/** A model folder's files, read one by one: the function's loader and the drift report read through it. */
export interface ModelFolderReader {
  /** Human-readable folder with its trailing separator, e.g. `s3://wine-models/1/<run>/artifacts/model/`. */
  readonly folder: string;
  /**
   * @throws ModelNotFoundError naming the full S3 URL or path of a missing file (or a missing bucket)
   * @throws ModelLoadError when the file cannot be read
   */
  readonly read: ReadFile;
}

/** The reader of a local or S3 model folder (`s3` is needed for an S3 one; the read says so without it). */
export function modelFolderReader(location: ModelLocation, s3?: S3Client): ModelFolderReader {
  const [folder, read] = location.kind === 'local' ? localReader(location.directory) : s3Reader(location, s3);
  return { folder, read };
}

/**
 * Fetches `model.onnx`, `signature.json` and `reference.json` (in parallel) from S3 or a local folder and validates
 * the signature. Whatever goes wrong with `reference.json` (missing, malformed, unreadable) is reported in
 * `reference`, never thrown: it only feeds drift monitoring, which must never stop the model from scoring.
 *
 * @param location - from the configuration (`MODEL_BUCKET`/`EXPERIMENT_ID`/`RUN_ID` or `MODEL_LOCATION`)
 * @param s3 - client for S3 locations (unused for a local folder)
 * @throws ModelNotFoundError naming the full S3 key or path of a missing file
 * @throws ModelLoadError when a file cannot be read or the signature is invalid
 * @example
 * const { modelBytes, signature } = await fetchModelArtifacts(config.model, createS3Client());
 */
export async function fetchModelArtifacts(location: ModelLocation, s3?: S3Client): Promise<ModelArtifacts> {
  const { folder, read } = modelFolderReader(location, s3);
  const [modelBytes, signatureBytes, reference] = await Promise.all([
    read(ARTIFACT_FILES.model),
    read(ARTIFACT_FILES.signature),
    readReference(read, folder + ARTIFACT_FILES.reference),
  ]);
  return {
    modelBytes,
    signature: parseSignature(signatureBytes, folder + ARTIFACT_FILES.signature),
    reference,
    location: folder,
  };
}

async function readReference(read: ReadFile, location: string): Promise<ReferenceArtifact> {
  try {
    return {
      status: 'loaded',
      reference: parseReference(await read(ARTIFACT_FILES.reference), location),
      location,
    };
  } catch (error) {
    if (error instanceof ModelNotFoundError) return { status: 'absent', location };
    const failure =
      error instanceof ModelLoadError
        ? error
        : new ModelLoadError(`cannot read ${location}: ${String(error)}`, { cause: error });
    return { status: 'invalid', location, error: failure };
  }
}

/**
 * Parses and validates `reference.json` against `referenceSchema` (its cross-checks with the signature are the
 * drift monitor's: `compileDriftReference`).
 *
 * @throws ModelLoadError listing every schema problem, naming the file
 */
export function parseReference(bytes: Uint8Array, where: string): ModelReference {
  return parseArtifact(referenceSchema, bytes, where, 'a valid drift reference');
}

/**
 * Parses and validates `signature.json`.
 *
 * @throws ModelLoadError listing every schema problem, naming the file
 */
export function parseSignature(bytes: Uint8Array, where: string): ModelSignature {
  return parseArtifact(signatureSchema, bytes, where, 'a valid model signature');
}

function parseArtifact<T>(schema: z.ZodType<T>, bytes: Uint8Array, where: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ModelLoadError(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ModelLoadError(`${where} is not ${what}: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return parsed.data;
}

function localReader(directory: string): [string, ReadFile] {
  const folder = path.resolve(directory) + path.sep;
  return [
    folder,
    async (name) => {
      const file = folder + name;
      try {
        return await fs.readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new ModelNotFoundError(file, { cause: error });
        throw new ModelLoadError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
      }
    },
  ];
}

function s3Reader(location: S3Folder, s3: S3Client | undefined): [string, ReadFile] {
  const folder = s3Url(location, '');
  return [
    folder,
    async (name) => {
      if (!s3) throw new ModelLoadError(`no S3 client to read ${folder}${name}`);
      const url = folder + name;
      try {
        const object = await s3.send(
          new GetObjectCommand({ Bucket: location.bucket, Key: s3Key(location, name) }),
        );
        if (!object.Body) throw new ModelLoadError(`${url} has no body`);
        return await object.Body.transformToByteArray();
      } catch (error) {
        if (error instanceof ModelLoadError) throw error;
        const code = error instanceof Error ? error.name : 'UnknownError';
        if (code === 'NoSuchKey' || code === 'NotFound') throw new ModelNotFoundError(url, { cause: error });
        if (code === 'NoSuchBucket') {
          throw new ModelNotFoundError(url, {
            cause: error,
            why: `bucket ${location.bucket} does not exist`,
          });
        }
        const hint =
          code === 'AccessDenied'
            ? ' (S3 answers 403 for a missing key when the role lacks s3:ListBucket: check the run id, then the policy)'
            : '';
        throw new ModelLoadError(`cannot read ${url}: ${code}: ${(error as Error).message}${hint}`, {
          cause: error,
        });
      }
    },
  ];
}
