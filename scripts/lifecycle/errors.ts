/**
 * Errors of the lifecycle commands. Each has a stable `code` and the exit code its command ends with, so the CLIs
 * print one line and exit the way docs/model-lifecycle.md documents, whichever step failed.
 */

/** Exit codes shared by every lifecycle command. */
export const EXIT_CODES = {
  /** Done (compare: verdict PROMOTE). */
  ok: 0,
  /** Something failed on the way (a smoke test, an AWS call); what changed was undone where possible. */
  failed: 1,
  /** Bad arguments, or something named was not found or is unusable; nothing was changed. */
  usage: 2,
  /** The gate refused the candidate (compare, promote without --force); nothing was changed. */
  refused: 3,
} as const;

/** Base class: a message meant to be printed as one line, a machine-readable code and the command's exit code. */
export class LifecycleError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A flag is missing, unknown or malformed. */
export class UsageError extends LifecycleError {
  constructor(message: string) {
    super('USAGE', message, EXIT_CODES.usage);
  }
}

/** What a lookup can fail on, each naming the thing that was not found or not usable. */
export type LookupCode =
  | 'RUN_NOT_FOUND'
  | 'RUN_INVALID'
  | 'RUNS_INCOMPATIBLE'
  | 'EVAL_DATA_INVALID'
  | 'NO_LOCAL_STACK'
  | 'NO_FUNCTION'
  | 'NO_ALIAS'
  | 'NO_VERSION';

/** Something named on the command line (a run, a stack, an alias, a file) is not there or cannot be used. */
export class LookupError extends LifecycleError {
  constructor(code: LookupCode, message: string, options?: ErrorOptions) {
    super(code, message, EXIT_CODES.usage, options);
  }
}

/** A rollout step failed (an AWS call, a smoke test); the message says what was undone. */
export class RolloutError extends LifecycleError {
  constructor(code: 'SMOKE_FAILED' | 'ROLLOUT_FAILED', message: string, options?: ErrorOptions) {
    super(code, message, EXIT_CODES.failed, options);
  }
}

/** Joins a multi-line message (e.g. a signature mismatch listing every disagreement) into one line. */
export function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '');
  // "heading:" + items reads as "heading: item; item".
  return lines.reduce(
    (text, line) => (text === '' ? line : `${text}${text.endsWith(':') ? ' ' : '; '}${line}`),
    '',
  );
}
