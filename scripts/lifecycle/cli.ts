/**
 * Plumbing shared by the lifecycle CLIs: strict argument parsing (an unknown or malformed flag is a usage error, exit
 * 2), the `--local | --env <env>` choice, and one runner that turns every known error into one line and its exit code.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ArtifactError, CsvError } from '../../model';
import { InfraError } from '../../infra/index';
import { LocalStackNotRunningError } from '../local-stack/state-file';
import { EXIT_CODES, LifecycleError, oneLine, UsageError } from './errors';

/** `parseArgs` option definitions (@types/node does not export their type by name). */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Where a command acts: the running local stack, or a deployed environment. */
export type Where = { readonly kind: 'local' } | { readonly kind: 'env'; readonly env: string };

/** The `--local` / `--env` flags, for `parseArgs`. */
export const WHERE_OPTIONS = {
  local: { type: 'boolean', default: false },
  env: { type: 'string' },
} as const satisfies OptionsConfig;

/** Their `--help` lines. */
export const WHERE_USAGE = `  --local                  the running local stack (npm start in another terminal)
  --env <stage|prod>       the deployed environment (AWS credentials and region from the usual AWS variables)`;

/** Exit codes as `--help` prints them. */
export const EXIT_USAGE = `Exit codes: 0 done, 1 failed (what changed was undone where possible), 2 bad arguments or something not found
(nothing changed), 3 refused by the gate (nothing changed).`;

/** The parsed flags of a strict, positional-free `parseArgs` over `T`. */
export type Flags<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>['values'];

/**
 * `parseArgs`, strict and without positionals, turning its errors into {@link UsageError}.
 *
 * @throws UsageError for an unknown flag, a missing value, or a stray argument
 */
export function parseFlags<const T extends OptionsConfig>(argv: readonly string[], options: T): Flags<T> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? String(error));
  }
}

/**
 * `--local` or `--env <env>`.
 *
 * @param required - whether one of them must be given
 * @throws UsageError when both are given, or neither while required
 */
export function whereFrom(values: { local?: boolean; env?: string }, required: true): Where;
export function whereFrom(values: { local?: boolean; env?: string }, required: false): Where | undefined;
export function whereFrom(values: { local?: boolean; env?: string }, required: boolean): Where | undefined {
  if (values.local === true && values.env !== undefined) {
    throw new UsageError('give --local or --env <env>, not both');
  }
  if (values.local === true) return { kind: 'local' };
  if (values.env !== undefined) return { kind: 'env', env: values.env };
  if (required) throw new UsageError('say where: --local (the running npm start) or --env <stage|prod>');
  return undefined;
}

/**
 * Parses a positive number of seconds.
 *
 * @throws UsageError naming the flag
 */
export function secondsFrom(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0)) {
    throw new UsageError(`${flag} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

/** How an error ends a command: its one-line message and exit code. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof LifecycleError) return { message: oneLine(error.message), exitCode: error.exitCode };
  // Bad input the model package, the local stack or infra reported: named, nothing changed.
  if (
    error instanceof LocalStackNotRunningError ||
    error instanceof ArtifactError ||
    error instanceof CsvError ||
    error instanceof InfraError
  ) {
    return { message: oneLine(error.message), exitCode: EXIT_CODES.usage };
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return { message: `no AWS credentials: ${oneLine(error.message)}`, exitCode: EXIT_CODES.failed };
  }
  return {
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    exitCode: EXIT_CODES.failed,
  };
}

/**
 * Runs a command: `--help` prints `usage`; a known error prints `<command>: <one line>` and sets its exit code; an
 * unexpected one prints its stack and exits 1. Open SDK sockets would keep the process alive for a while after
 * `main`, so it exits explicitly once output is flushed.
 */
export function runLifecycleCli(
  command: string,
  usage: string,
  main: (argv: readonly string[]) => Promise<number>,
): void {
  const argv = process.argv.slice(2);
  const run =
    argv.includes('--help') || argv.includes('-h') ? Promise.resolve(printUsage(usage)) : main(argv);
  run
    .catch((error: unknown) => {
      const { message, exitCode } = describeFailure(error);
      const hint = error instanceof UsageError ? ' (--help lists the options)' : '';
      console.error(`${command}: ${message}${hint}`);
      return exitCode;
    })
    .then(
      (code) => {
        process.exitCode = code;
        setTimeout(() => process.exit(code), 100).unref();
      },
      () => undefined,
    );
}

function printUsage(usage: string): number {
  console.log(usage);
  return EXIT_CODES.ok;
}
