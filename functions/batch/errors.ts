/**
 * Errors of batch inference. A bad ROW is data (a rejection, written to the rejects file); a bad FILE stops the run at
 * once with one {@link BatchFileError} naming the file, line and column.
 */
import { ErrorCode, FunctionError } from '../errors';

/**
 * Where in the input a file-level problem is: the file and, when known, a 1-based line and a 1-based column (the CSV
 * column for CSV problems).
 */
export interface FilePosition {
  readonly file: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/**
 * The input file cannot be scored: unreadable, not CSV or JSON Lines, wrong delimiter, or a header missing a feature
 * the model needs. The message starts with `file[:line[:column]]:`, the form editors and terminals link to.
 */
export class BatchFileError extends FunctionError {
  readonly code = ErrorCode.batchFileInvalid;

  constructor(
    readonly position: FilePosition,
    problem: string,
    options?: ErrorOptions,
  ) {
    const line = position.line === undefined ? '' : `:${position.line}`;
    const column = position.line === undefined || position.column === undefined ? '' : `:${position.column}`;
    super(`${position.file}${line}${column}: ${problem}`, options);
  }
}

/** The time budget ran out before the end of the file; nothing was written (the outputs are abandoned). */
export class BatchOutOfTimeError extends FunctionError {
  readonly code = ErrorCode.batchOutOfTime;
}
