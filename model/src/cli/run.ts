/** Shared CLI plumbing: one place that turns known errors into a one-line message and a non-zero exit code. */
import { ModelError } from '../errors';

/**
 * Runs a CLI's `main`, printing a known {@link ModelError} as one line (its code and message) and anything else with
 * its stack, then exiting 1.
 */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ModelError) console.error(`error [${error.code}]: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  });
}
