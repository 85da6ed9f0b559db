import type { FeatureBatch } from './scorer';
import type { ValidRecord } from './validate';

/**
 * Packs validated records into one row-major float32 matrix `[N, F]`, columns in the model's feature order.
 *
 * @param records - validated records (each holds every feature)
 * @param features - the model signature's ordered feature names
 * @example
 * toFeatureBatch([{ wineFeatures: { alcohol: 9, pH: 3 }, ignoredKeys: 0 }], ['alcohol', 'pH']);
 * // { data: Float32Array [9, 3], rows: 1, columns: 2 }
 */
export function toFeatureBatch(records: readonly ValidRecord[], features: readonly string[]): FeatureBatch {
  const columns = features.length;
  const data = new Float32Array(records.length * columns);
  let offset = 0;
  for (const record of records) {
    for (const name of features) data[offset++] = record.wineFeatures[name] ?? Number.NaN;
  }
  return { data, rows: records.length, columns };
}
