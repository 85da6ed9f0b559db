/**
 * What the streams CLIs (`put-records`, `read-predictions`) share: option parsing with `--help`, and their exit codes —
 * 0 done, 1 failure (`<cli>: <ErrorName>: <message>`), 2 bad arguments (the message, then the usage).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad arguments: printed with the usage, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T }>>['values'];

/**
 * Prints the usage for `--help`; otherwise parses `process.argv` with `options`, runs `main` and sets the exit code from
 * what it returns or throws.
 *
 * @param name - the CLI's name, prefixed to every error line
 */
export function runStreamsCli<T extends Options>(
  name: string,
  usage: string,
  options: T,
  main: (values: Values<T>) => Promise<number>,
): void {
  const run = async (): Promise<number> => {
    const args = process.argv.slice(2);
    if (args.includes('--help')) {
      console.log(usage);
      return 0;
    }
    let values: Values<T>;
    try {
      ({ values } = parseArgs({ args, options }));
    } catch (error) {
      throw new CliUsageError((error as Error).message);
    }
    return main(values);
  };
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof CliUsageError) {
        console.error(`${name}: ${error.message}\n\n${usage}`);
        process.exitCode = 2;
        return;
      }
      console.error(`${name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      process.exitCode = 1;
    },
  );
}
