/** Errors the local event-source poller raises; each names what to change. */

/** Base class: every poller error carries a machine-readable `code`. */
export class PollerError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PollerError';
    this.code = code;
  }
}

/** An event source mapping option is out of range or the options contradict each other. */
export class PollerConfigError extends PollerError {
  /** One entry per bad option, e.g. `batchSize: must be an integer from 1 to 10000`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('POLLER_CONFIG_INVALID', `invalid event source mapping options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PollerConfigError';
    this.problems = problems;
  }
}

/** The handler did not settle within the function timeout (Lambda reports "Task timed out"). */
export class FunctionTimeoutError extends PollerError {
  constructor(timeoutMs: number) {
    super('FUNCTION_TIMEOUT', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'FunctionTimeoutError';
  }
}

/** The handler returned a response that Lambda treats as a failure of the whole batch. */
export class InvalidBatchResponseError extends PollerError {
  constructor(detail: string) {
    super('BATCH_RESPONSE_INVALID', `the handler's batchItemFailures make the whole batch fail: ${detail}`);
    this.name = 'InvalidBatchResponseError';
  }
}
