/**
 * A committed run's held-out test rows: the row indices `metrics.json` records (`split.test_row_indices`, 0-based over
 * the data rows of the white-wine CSV) joined with the CSV itself. The demo, the end-to-end records, the benchmarks,
 * the promotion gate and the smoke test all score these rows, so they are read here only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ARTIFACT_FILES, UCI_FEATURES, type UciFeature } from './contract';
import { parseWineCsv, type WineTable } from './data/csv';
import { ArtifactError } from './errors';
import { DATA_FILE, REPO_ROOT } from './paths';

/** Rows of the UCI white-wine CSV that a run held out as its test set, with its recorded results. */
export interface HeldOutRows {
  /** 0-based data-row indices into the CSV, in `test_row_indices` order. */
  readonly indices: readonly number[];
  /** One feature object per test row (all eleven features, CSV values), in `indices` order. */
  readonly features: Record<UciFeature, number>[];
  /** True quality of each row. */
  readonly quality: number[];
  /** The run's class labels and test confusion matrix (rows: true class, columns: predicted class). */
  readonly classes: number[];
  readonly confusionMatrix: number[][];
}

const heldOutSchema = z.object({
  split: z.object({ test_row_indices: z.array(z.number().int().nonnegative()) }),
  test: z.object({
    confusion_matrix: z.object({
      labels: z.array(z.number().int()),
      matrix: z.array(z.array(z.number().int())),
    }),
  }),
});

/** The white-wine table the committed runs were trained and tested on (`model/data/winequality-white.csv`). */
export function loadWhiteWine(): WineTable {
  return parseWineCsv(fs.readFileSync(path.join(REPO_ROOT, DATA_FILE), 'utf8'), DATA_FILE);
}

/**
 * The test-split row indices a run recorded in its `metrics.json`.
 *
 * @throws ArtifactError naming the file when it is missing or records no test split
 */
export function testRowIndices(runFolder: string): number[] {
  return readHeldOut(runFolder).split.test_row_indices;
}

/**
 * Reads a run's held-out test rows from the white-wine CSV using its `metrics.json`.
 *
 * @param runFolder - the run's folder, e.g. `runDir(DEFAULT_RUN_ID)`
 * @param table - the white-wine table, when the caller already has it
 * @throws ArtifactError naming the file when it is missing, records no test split, or points past the CSV
 */
export function heldOutRows(runFolder: string, table: WineTable = loadWhiteWine()): HeldOutRows {
  const metrics = readHeldOut(runFolder);
  const indices = metrics.split.test_row_indices;
  const beyond = indices.find((i) => i >= table.rows);
  if (beyond !== undefined) {
    throw new ArtifactError(
      `${path.join(runFolder, ARTIFACT_FILES.metrics)}: test row ${beyond} is beyond the ${table.rows} rows of ${DATA_FILE}`,
    );
  }
  return {
    indices,
    features: indices.map(
      (i) =>
        Object.fromEntries(UCI_FEATURES.map((name) => [name, table.columns[name][i]])) as Record<
          UciFeature,
          number
        >,
    ),
    quality: indices.map((i) => table.quality[i] as number),
    classes: metrics.test.confusion_matrix.labels,
    confusionMatrix: metrics.test.confusion_matrix.matrix,
  };
}

function readHeldOut(runFolder: string): z.infer<typeof heldOutSchema> {
  const file = path.join(runFolder, ARTIFACT_FILES.metrics);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ArtifactError(`${file}: cannot read the run's metrics (${(error as Error).message})`, {
      cause: error,
    });
  }
  const metrics = heldOutSchema.safeParse(parsed);
  if (!metrics.success) {
    throw new ArtifactError(
      `${file} records no test split (split.test_row_indices and test.confusion_matrix)`,
    );
  }
  return metrics.data;
}
