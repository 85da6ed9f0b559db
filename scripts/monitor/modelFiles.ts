/**
 * The model files the report compares with: `signature.json` (feature order, classes), `reference.json` (training
 * bins) and, when present, `metrics.json` (the model's own predictions on its held-out rows), from a local folder or
 * an S3 folder, read through the function's own model-folder reader. `model.onnx` is not needed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { modelFolderReader, parseReference, parseSignature } from '../../functions/adapters/modelStore';
import type { ModelLocation } from '../../functions/config';
import { ModelNotFoundError } from '../../functions/errors';
import { ARTIFACT_FILES, type ModelReference, type ModelSignature } from '../../model/src/contract';

/** A model folder: local or in S3 (the function's own `ModelLocation`). */
export type ModelFolder = ModelLocation;

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
 * @throws ReportModelError naming the missing or invalid file; the function's `ModelLoadError` for an unreadable one
 */
export async function loadReportModel(folder: ModelFolder, s3: S3Client | undefined): Promise<ReportModel> {
  const reader = modelFolderReader(folder, s3);
  const where = reader.folder;
  // A missing file is `undefined` here (the report says which and why it matters); any other failure throws.
  const read = async (name: string): Promise<Uint8Array | undefined> => {
    try {
      return await reader.read(name);
    } catch (error) {
      if (error instanceof ModelNotFoundError) return undefined;
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
