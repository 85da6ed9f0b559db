/** Small hand-made data for the model tests: tables, CSV text and datasets whose right answer is known. */
import { UCI_FEATURES, UCI_TARGET, type UciFeature } from '../../model/src/contract';
import type { WineTable } from '../../model/src/data/csv';
import type { Dataset } from '../../model/src/data/dataset';

/** The UCI header line, quoted and semicolon-separated as in the real files. */
export const CSV_HEADER = [...UCI_FEATURES, UCI_TARGET].map((name) => `"${name}"`).join(';');

/** A data line of the UCI CSV: eleven feature values then the quality. */
export const csvLine = (features: readonly number[], quality: number): string =>
  [...features, quality].join(';');

/** The first two rows of the real white-wine file. */
export const SAMPLE_ROWS: readonly (readonly [number[], number])[] = [
  [[7, 0.27, 0.36, 20.7, 0.045, 45, 170, 1.001, 3, 0.45, 8.8], 6],
  [[6.3, 0.3, 0.34, 1.6, 0.049, 14, 132, 0.994, 3.3, 0.49, 9.5], 6],
];

/** A valid CSV with the sample rows. */
export const sampleCsv = (): string =>
  [CSV_HEADER, ...SAMPLE_ROWS.map(([features, quality]) => csvLine(features, quality))].join('\n') + '\n';

/**
 * A dataset on `features.length` columns from explicit rows: `rows[i]` are the feature values, `labels[i]` the class
 * index. Values go through float32, as in training.
 */
export function datasetOf(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  classes: readonly number[],
): Dataset {
  const f = rows[0]?.length ?? 0;
  const features = UCI_FEATURES.slice(0, f);
  return {
    features,
    classes,
    x: Float32Array.from(rows.flat()),
    y: Uint8Array.from(labels),
    rows: rows.length,
  };
}

/**
 * A perfectly separable 3-class problem on 2 features: the class is decided by which band `x0` falls in
 * (`< 1`, `[1, 2)`, `≥ 2`); `x1` is noise. Values are spaced so that every band edge lies between two training values.
 */
export function separableBands(perClass: number): { rows: number[][]; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      rows.push([c + 0.1 + (0.8 * i) / perClass, ((i * 7919) % 100) / 10]);
      labels.push(c);
    }
  }
  return { rows, labels };
}

/** A `WineTable` built from explicit per-feature columns (missing features are zero). */
export function tableOf(columns: Partial<Record<UciFeature, number[]>>, quality: number[]): WineTable {
  const rows = quality.length;
  const full = Object.fromEntries(
    UCI_FEATURES.map((name) => [name, Float64Array.from(columns[name] ?? new Array<number>(rows).fill(0))]),
  ) as Record<UciFeature, Float64Array>;
  return { file: 'fixture.csv', rows, columns: full, quality: Int32Array.from(quality) };
}
