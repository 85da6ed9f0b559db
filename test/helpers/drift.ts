/**
 * Drift-test builders: the committed runs' references compiled for their signatures, the white-wine table split into
 * each run's training and held-out rows, and tensors built from rows the way the function builds them (float32).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RUN_ID, loadSignature, referenceRunId, runDir } from '../../model/src/artifacts';
import {
  ARTIFACT_FILES,
  referenceSchema,
  type ModelReference,
  type ModelSignature,
  type UciFeature,
} from '../../model/src/contract';
import { parseWineCsv, type WineTable } from '../../model/src/data/csv';
import { DATA_FILE } from '../../model/src/paths';
import { REPO_ROOT } from './paths';
import { compileDriftReference, type DriftReference } from '../../functions/core/drift';
import type { FeatureBatch } from '../../functions/core/scorer';
import { RUN_ID } from './factories';

/** The committed runs: the default 3-feature one and the 11-feature one. */
export const COMMITTED_RUNS: readonly string[] = [DEFAULT_RUN_ID, referenceRunId('all') ?? DEFAULT_RUN_ID];

export interface CommittedRun {
  readonly signature: ModelSignature;
  readonly json: ModelReference;
  readonly reference: DriftReference;
  /** Row indices of the white-wine CSV the run trained on, and those it held out. */
  readonly trainRows: readonly number[];
  readonly testRows: readonly number[];
}

let table: WineTable | undefined;

/** The UCI white-wine table, parsed once per test file. */
export function whiteWine(): WineTable {
  const file = path.join(REPO_ROOT, DATA_FILE);
  table ??= parseWineCsv(fs.readFileSync(file, 'utf8'), file);
  return table;
}

/** A committed run's signature, reference and split. */
export function committedRun(runId: string): CommittedRun {
  const folder = runDir(runId);
  const signature = loadSignature(folder);
  const json = referenceSchema.parse(
    JSON.parse(fs.readFileSync(path.join(folder, ARTIFACT_FILES.reference), 'utf8')),
  );
  const metrics = JSON.parse(fs.readFileSync(path.join(folder, ARTIFACT_FILES.metrics), 'utf8')) as {
    split: { test_row_indices: number[] };
  };
  const testRows = metrics.split.test_row_indices;
  const held = new Set(testRows);
  const trainRows = Array.from({ length: whiteWine().rows }, (_, i) => i).filter((i) => !held.has(i));
  return { signature, json, reference: compileDriftReference(json, signature), trainRows, testRows };
}

/**
 * The float32 `[N, F]` tensor of CSV rows, columns in `features` order, as `toFeatureBatch` builds it.
 *
 * @param shift - added to a feature's decimal value before it is stored (a drifted producer)
 */
export function tensorOf(
  rows: readonly number[],
  features: readonly string[],
  shift: Partial<Record<UciFeature, number>> = {},
): FeatureBatch {
  const wine = whiteWine();
  const data = new Float32Array(rows.length * features.length);
  rows.forEach((row, i) =>
    features.forEach((name, j) => {
      const column = wine.columns[name as UciFeature];
      data[i * features.length + j] = (column[row] as number) + (shift[name as UciFeature] ?? 0);
    }),
  );
  return { data, rows: rows.length, columns: features.length };
}

/** A tensor from explicit values (row-major). */
export function tensorFrom(rows: readonly (readonly number[])[]): FeatureBatch {
  const columns = rows[0]?.length ?? 0;
  return { data: Float32Array.from(rows.flat()), rows: rows.length, columns };
}

/**
 * A small hand-made reference for a 2-feature, 3-class model: `alcohol` cut at 9 and 10 (shares 0.2/0.5/0.3),
 * `sulphates` cut at 0.5 (0.4/0.6), classes 5/6/7 with shares 0.3/0.5/0.2.
 */
export function tinyReference(overrides: Partial<ModelReference> = {}): {
  json: ModelReference;
  model: Pick<ModelSignature, 'run_id' | 'model_name' | 'features' | 'classes'>;
} {
  return {
    json: {
      run_id: RUN_ID,
      feature_set: 'tiny',
      rows: 10,
      bins: 3,
      features: [
        { name: 'alcohol', min: 8, max: 12, mean: 10, std: 1, cuts: [9, 10], shares: [0.2, 0.5, 0.3] },
        { name: 'sulphates', min: 0.2, max: 0.9, mean: 0.5, std: 0.1, cuts: [0.5], shares: [0.4, 0.6] },
      ],
      classes: [
        { label: 5, share: 0.3 },
        { label: 6, share: 0.5 },
        { label: 7, share: 0.2 },
      ],
      ...overrides,
    },
    model: { run_id: RUN_ID, model_name: 'm', features: ['alcohol', 'sulphates'], classes: [5, 6, 7] },
  };
}
