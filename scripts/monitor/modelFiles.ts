/**
 * The model files the report compares with: `signature.json` (feature order, classes), `reference.json` (training
 * bins) and, when present, `metrics.json` (the model's own predictions on its held-out rows), from a local folder or
 * an S3 folder. `model.onnx` is not needed.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseReference, parseSignature } from '../../functions/adapters/modelStore';
import { ARTIFACT_FILES, type ModelReference, type ModelSignature } from '../../model/src/contract';
import { s3Url, type S3Folder } from '../../functions/contract/s3Folder';

/** A model folder: local or in S3. */
export type ModelFolder =
  { readonly kind: 'local'; readonly directory: string } | ({ readonly kind: 's3' } & S3Folder);

export interface ReportModel {
  readonly signature: ModelSignature;
  readonly reference: ModelReference;
  /** Predicted class → count on the held-out test rows, when `metrics.json` has a test confusion matrix. */
  readonly heldOutPredictions: ReadonlyMap<number, number> | undefined;
  /** Where `reference.json` was read, for the report. */
  readonly referenceLocation: string;
}

/** Thrown when the folder lacks a file the report needs or holds an invalid one. */
export class ReportModelError extends Error {
  override readonly name = 'ReportModelError';
}

const confusionSchema = z.object({
  test: z.object({
    confusion_matrix: z.object({ labels: z.array(z.number()), matrix: z.array(z.array(z.number())) }),
  }),
});

/**
 * Reads signature, reference and (optionally) metrics.
 *
 * @throws ReportModelError naming the missing or invalid file
 */
export async function loadReportModel(folder: ModelFolder, s3: S3Client | undefined): Promise<ReportModel> {
  const where = folder.kind === 'local' ? path.resolve(folder.directory) + path.sep : s3Url(folder, '');
  const read = async (name: string): Promise<Uint8Array | undefined> => {
    try {
      if (folder.kind === 'local') return await fs.readFile(where + name);
      if (!s3) throw new ReportModelError(`no S3 client to read ${where}${name}`);
      const key = folder.prefix ? `${folder.prefix}/${name}` : name;
      const object = await s3.send(new GetObjectCommand({ Bucket: folder.bucket, Key: key }));
      return await object.Body?.transformToByteArray();
    } catch (error) {
      const code = (error as { code?: unknown; name?: unknown }).code ?? (error as Error).name;
      if (code === 'ENOENT' || code === 'NoSuchKey') return undefined;
      throw error;
    }
  };
  const [signatureBytes, referenceBytes, metricsBytes] = await Promise.all([
    read(ARTIFACT_FILES.signature),
    read(ARTIFACT_FILES.reference),
    read(ARTIFACT_FILES.metrics),
  ]);
  if (!signatureBytes) throw new ReportModelError(`${where}${ARTIFACT_FILES.signature} does not exist`);
  if (!referenceBytes) {
    throw new ReportModelError(
      `${where}${ARTIFACT_FILES.reference} does not exist: the report compares live traffic with it`,
    );
  }
  let signature: ModelSignature;
  let reference: ModelReference;
  try {
    signature = parseSignature(signatureBytes, where + ARTIFACT_FILES.signature);
    reference = parseReference(referenceBytes, where + ARTIFACT_FILES.reference);
  } catch (error) {
    throw new ReportModelError((error as Error).message, { cause: error });
  }
  return {
    signature,
    reference,
    heldOutPredictions: metricsBytes ? heldOutPredictions(metricsBytes) : undefined,
    referenceLocation: where + ARTIFACT_FILES.reference,
  };
}

/** Column sums of the test confusion matrix: how often the model predicted each class on its held-out rows. */
function heldOutPredictions(bytes: Uint8Array): Map<number, number> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = confusionSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { labels, matrix } = parsed.data.test.confusion_matrix;
  return new Map(
    labels.map((label, column) => [label, matrix.reduce((sum, row) => sum + (row[column] ?? 0), 0)]),
  );
}
