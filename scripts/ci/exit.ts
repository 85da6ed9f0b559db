/**
 * The end of each `scripts/ci` command: its exit code, or, for an error nobody expected, one line naming the command
 * and the error (and exit code 1) instead of a stack trace in the workflow log.
 */
export function exitWith(command: string, result: Promise<number>): void {
  result.then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(
        `${command}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
      process.exitCode = 1;
    },
  );
}
