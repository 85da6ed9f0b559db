/**
 * Content-addressed run ids: a run id is a hash of everything that determines a run's files, so training the same
 * data with the same seed, feature set and procedure always gives the same id — and byte-identical artifacts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/**
 * Version of the training procedure and artifact format. Bump it whenever a change to the code would change any
 * artifact for the same inputs (learner, export, metrics layout, card text): ids then change with the bytes.
 */
export const TRAINING_FORMAT_VERSION = 2;

/**
 * The `created_at` every run of {@link TRAINING_FORMAT_VERSION} records: the release date of that format, not the
 * wall-clock time of training. A timestamp would make re-training produce different bytes under the same id.
 */
export const TRAINING_FORMAT_DATE = '2026-11-22T00:00:00.000Z';

/** SHA-256 of bytes, lowercase hex. */
export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * The 32-hex-character run id of a training run: the first 128 bits of SHA-256 over the canonical JSON of the inputs.
 *
 * @param inputs - everything that determines the run (data hash, features, seed, split, search grid, chosen
 *   hyperparameters); must be JSON-serialisable
 * @example
 * deriveRunId({ data_sha256, feature_set: 'seed3', seed: 42 }); // e.g. '3f1c…' (32 hex)
 */
export function deriveRunId(inputs: Record<string, unknown>): string {
  return sha256Hex(canonicalJson({ format_version: TRAINING_FORMAT_VERSION, ...inputs })).slice(0, 32);
}
