import { ArtifactError } from '../../../../model';
import {
  describeFailure,
  parseFlags,
  secondsFrom,
  whereFrom,
  WHERE_OPTIONS,
} from '../../../../scripts/lifecycle/cli';
import { EXIT_CODES, LookupError, UsageError } from '../../../../scripts/lifecycle/errors';
import { checkRunId } from '../../../../scripts/lifecycle/runs';
import { LocalStackNotRunningError } from '../../../../scripts/local-stack/state-file';

describe('lifecycle command lines', () => {
  it('parses the shared flags strictly', () => {
    // Act
    const values = parseFlags(['--env', 'stage', '--run-id', 'x'], {
      ...WHERE_OPTIONS,
      'run-id': { type: 'string' },
    });

    // Assess
    expect(values).toEqual({ local: false, env: 'stage', 'run-id': 'x' });
    expect(() => parseFlags(['--bogus'], WHERE_OPTIONS)).toThrow(new UsageError("Unknown option '--bogus'"));
    expect(() => parseFlags(['stray'], WHERE_OPTIONS)).toThrow(UsageError);
  });

  it.each([
    [{ local: true, env: 'stage' }, 'give --local or --env <env>, not both'],
    [{ local: false }, 'say where: --local (the running npm start) or --env <stage|prod>'],
  ])('refuses %j with a usage error', (values, message) => {
    // Act / Assess
    expect(() => whereFrom(values, true)).toThrow(new UsageError(message));
  });

  it('reads --local and --env, and nothing when optional', () => {
    // Act / Assess
    expect(whereFrom({ local: true }, true)).toEqual({ kind: 'local' });
    expect(whereFrom({ env: 'prod' }, true)).toEqual({ kind: 'env', env: 'prod' });
    expect(whereFrom({ local: false }, false)).toBeUndefined();
  });

  it('checks run ids and durations, naming the flag', () => {
    // Act / Assess
    expect(checkRunId('--candidate', '7572c494b7f99282d107a36e098bf452')).toBe(
      '7572c494b7f99282d107a36e098bf452',
    );
    expect(() => checkRunId('--candidate', undefined)).toThrow('--candidate <run_id> is required');
    expect(() => checkRunId('--to', 'ABC')).toThrow(
      '--to "ABC" is not a run id (32 lowercase hex characters)',
    );
    expect(secondsFrom('--timeout', '2.5', 60)).toBe(2.5);
    expect(secondsFrom('--timeout', undefined, 60)).toBe(60);
    expect(() => secondsFrom('--timeout', '0', 60)).toThrow(
      '--timeout must be a positive number of seconds, got "0"',
    );
  });

  it.each<[Error, string, number]>([
    [new UsageError('bad'), 'bad', EXIT_CODES.usage],
    [new LookupError('RUN_NOT_FOUND', 'run x is nowhere'), 'run x is nowhere', EXIT_CODES.usage],
    [
      new LocalStackNotRunningError('no local stack is running'),
      'no local stack is running',
      EXIT_CODES.usage,
    ],
    [
      new ArtifactError('signature.json is invalid:\n  - features: required'),
      'signature.json is invalid: features: required',
      EXIT_CODES.usage,
    ],
  ])('ends %p with one line and its exit code', (error, message, exitCode) => {
    // Act / Assess
    expect(describeFailure(error)).toEqual({ message, exitCode });
  });

  it('exits 1 with the stack for anything unexpected', () => {
    // Act
    const failure = describeFailure(new TypeError('boom'));

    // Assess
    expect(failure.exitCode).toBe(EXIT_CODES.failed);
    expect(failure.message).toMatch(/^TypeError: boom\n\s+at /);
  });
});
