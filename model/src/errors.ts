/**
 * Errors of the training and publishing pipeline. Each carries a stable machine-readable `code` so the CLIs (and
 * tests) can tell a bad input file from a failed parity check without matching on message text.
 */

/** Base class of every error this package throws on purpose. */
export class ModelError extends Error {
  /** Stable machine-readable code, e.g. `CSV_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelError';
    this.code = code;
  }
}

/** Where in a CSV file a problem is: 1-based line and column (column = field position, 1-based). */
export interface CsvLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  /** The header name of the column, when known. */
  readonly columnName?: string;
}

/** The training CSV is malformed: the message names the file, line and (when it applies) column. */
export class CsvError extends ModelError {
  readonly location: CsvLocation;

  constructor(location: CsvLocation, problem: string, options?: ErrorOptions) {
    const column =
      location.column === undefined
        ? ''
        : `, column ${location.column}${location.columnName === undefined ? '' : ` ("${location.columnName}")`}`;
    super('CSV_INVALID', `${location.file}: line ${location.line}${column}: ${problem}`, options);
    this.name = 'CsvError';
    this.location = location;
  }
}

/** Training was asked for something impossible (bad hyperparameters, too few rows of a class for the split, …). */
export class TrainingError extends ModelError {
  constructor(message: string, options?: ErrorOptions) {
    super('TRAINING_INVALID', message, options);
    this.name = 'TrainingError';
  }
}

/** The exported ONNX graph does not reproduce the in-memory model: the artifact must not be written. */
export class ParityError extends ModelError {
  readonly labelMismatches: number;
  readonly maxProbabilityDifference: number;

  constructor(labelMismatches: number, maxProbabilityDifference: number, rows: number) {
    super(
      'PARITY_FAILED',
      `ONNX parity check failed on ${rows} rows: ${labelMismatches} label mismatches, ` +
        `max probability difference ${maxProbabilityDifference.toExponential(3)}`,
    );
    this.name = 'ParityError';
    this.labelMismatches = labelMismatches;
    this.maxProbabilityDifference = maxProbabilityDifference;
  }
}

/** A run folder (local or in S3) is missing files or is inconsistent with what was asked for. */
export class ArtifactError extends ModelError {
  constructor(message: string, options?: ErrorOptions) {
    super('ARTIFACT_INVALID', message, options);
    this.name = 'ArtifactError';
  }
}

/** A command-line flag is missing or invalid. */
export class UsageError extends ModelError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}
