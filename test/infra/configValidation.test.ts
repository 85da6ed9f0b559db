import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  loadInfraConfig,
  parseEnvironment,
  parseInfraConfig,
  readDefaultRunId,
} from '../../infra/config/load';
import { ENVIRONMENTS, type InfraConfigInput } from '../../infra/config/schema';
import { InfraConfigError } from '../../infra/errors';
import { CONFIG_DIR } from '../../infra/paths';
import { PINNED_IMAGE, RUN_ID, configInput, parseConfig } from './support/stackFixtures';

const DEFAULT_RUN = 'aaaabbbbccccddddeeeeffff00001111';

/** The error's problem lines, or a failure if parsing did not throw an InfraConfigError. */
function problemsOf(attempt: () => unknown): readonly string[] {
  try {
    attempt();
  } catch (error) {
    if (error instanceof InfraConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected an InfraConfigError');
}

function withInput(mutate: (input: InfraConfigInput) => void): InfraConfigInput {
  const input = configInput();
  mutate(input);
  return input;
}

/** The fixture with raw values written at dotted paths (bad values the types would not allow). */
function withRaw(values: Record<string, unknown>, remove: readonly string[] = []): unknown {
  const input = configInput() as unknown as Record<string, unknown>;
  const parentOf = (dotted: string): [Record<string, unknown>, string] => {
    const keys = dotted.split('.');
    const last = keys.pop()!;
    let node = input;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    return [node, last];
  };
  for (const [dotted, value] of Object.entries(values)) {
    const [node, key] = parentOf(dotted);
    node[key] = value;
  }
  for (const dotted of remove) {
    const [node, key] = parentOf(dotted);
    Reflect.deleteProperty(node, key);
  }
  return input;
}

describe('infra configuration', () => {
  let dir: string;
  let runsFile: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'infra-config-'));
    runsFile = path.join(dir, 'runs.json');
    writeFileSync(runsFile, JSON.stringify({ default: DEFAULT_RUN, runs: {} }));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(ENVIRONMENTS)('loads the committed %s configuration', (environment) => {
    // Prepare / Act
    const config = loadInfraConfig(environment, { configDir: CONFIG_DIR, runsFile });

    // Assess
    expect(config.environment).toBe(environment);
    expect(config.namePrefix).toBe(`wine-quality-${environment}`);
    expect(config.model.runId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('takes the run from runs.json when the configuration names none', () => {
    // Prepare
    const input = withInput((c) => {
      delete c.model.runId;
    });

    // Act
    const config = parseInfraConfig('stage', input, 'stage.json', () => readDefaultRunId(runsFile));

    // Assess
    expect(config.model.runId).toBe(DEFAULT_RUN);
  });

  it('prefers the run named in the configuration over the default', () => {
    // Prepare / Act
    const config = parseInfraConfig('stage', configInput(), 'stage.json', () => readDefaultRunId(runsFile));

    // Assess
    expect(config.model.runId).toBe(RUN_ID);
  });

  it('names every bad field at once, with the file it is in', () => {
    // Prepare
    const input = withRaw({
      region: 'Europe',
      'eventSource.batchSize': 0,
      'function.memoryMb': 64,
      'function.logRetentionDays': 10,
      functon: {},
      'alarms.email': 'not-an-email',
    });

    // Act
    const problems = problemsOf(() => parseInfraConfig('prod', input, 'prod.json', () => RUN_ID));

    // Assess
    const text = problems.join('\n');
    for (const field of [
      'region',
      'eventSource.batchSize',
      'function.memoryMb',
      'function.logRetentionDays',
      'alarms.email',
    ]) {
      expect(text).toContain(`prod.json: ${field}: `);
    }
    expect(text).toMatch(/prod\.json: \(top level\): Unrecognized key: "functon"/);
  });

  it.each([
    ['maximumRetryAttempts', -1],
    ['maximumRecordAgeSeconds', -1],
  ])('refuses the infinite AWS default for eventSource.%s', (field, value) => {
    // Prepare
    const input = withRaw({ [`eventSource.${field}`]: value });

    // Act
    const problems = problemsOf(() => parseConfig(input));

    // Assess
    expect(problems.join('\n')).toContain(`eventSource.${field}`);
  });

  it('refuses a maximum record age longer than the input stream keeps records', () => {
    // Prepare
    const input = withInput((c) => {
      c.streams.input.retentionHours = 24;
      c.eventSource.maximumRecordAgeSeconds = 24 * 3600 + 1;
    });

    // Act
    const problems = problemsOf(() => parseConfig(input));

    // Assess
    expect(problems).toEqual([
      'test.json: eventSource.maximumRecordAgeSeconds: must not exceed the input stream retention (86400 s)',
    ]);
  });

  it('refuses reserved concurrency below shards × parallelization factor', () => {
    // Prepare
    const input = withInput((c) => {
      c.streams.input = { mode: 'PROVISIONED', shardCount: 4, retentionHours: 24 };
      c.eventSource.parallelizationFactor = 2;
      c.eventSource.maximumRecordAgeSeconds = 3600;
      c.function.reservedConcurrency = 7;
    });

    // Act
    const problems = problemsOf(() => parseConfig(input));

    // Assess
    expect(problems.join('\n')).toContain(
      'function.reservedConcurrency: must be at least shardCount × parallelizationFactor = 8',
    );
  });

  it('requires a CI-built image to be pinned by digest', () => {
    // Prepare
    const byTag = withInput((c) => {
      c.image = { uri: PINNED_IMAGE.replace(/@sha256:.*$/, ':latest') };
    });

    // Act
    const problems = problemsOf(() => parseConfig(byTag));

    // Assess
    expect(problems.join('\n')).toContain('image.uri: must be an ECR image pinned by digest');
    expect(parseConfig(withInput((c) => (c.image = { uri: PINNED_IMAGE }))).image.uri).toBe(PINNED_IMAGE);
  });

  it('requires a name for an existing model bucket', () => {
    // Prepare
    const input = withRaw({ 'model.bucket': { mode: 'existing' } });

    // Act
    const problems = problemsOf(() => parseConfig(input));

    // Assess
    expect(problems.join('\n')).toContain('model.bucket.name');
  });

  it('explains when neither the configuration nor runs.json names a run', () => {
    // Prepare
    const input = withInput((c) => {
      delete c.model.runId;
    });
    const missing = path.join(dir, 'absent.json');

    // Act
    const problems = problemsOf(() =>
      parseInfraConfig('stage', input, 'stage.json', () => readDefaultRunId(missing)),
    );

    // Assess
    expect(problems).toEqual([
      `stage.json: model.runId is not set and ${missing} does not exist (train and commit a model, or set model.runId)`,
    ]);
  });

  it('explains a runs.json without a valid default', () => {
    // Prepare
    writeFileSync(runsFile, JSON.stringify({ default: 'latest' }));

    // Act
    const problems = problemsOf(() => readDefaultRunId(runsFile));

    // Assess
    expect(problems).toEqual([`${runsFile}: default: must be 32 lowercase hex characters`]);
  });

  it('reports a configuration file that is not JSON', () => {
    // Prepare
    writeFileSync(path.join(dir, 'stage.json'), '{ "region": ');

    // Act
    const problems = problemsOf(() => loadInfraConfig('stage', { configDir: dir, runsFile }));

    // Assess
    expect(problems[0]).toContain(`${path.join(dir, 'stage.json')} is not valid JSON`);
  });

  it('accepts only the known environments', () => {
    // Prepare / Act / Assess
    expect(parseEnvironment('prod')).toBe('prod');
    expect(problemsOf(() => parseEnvironment('production'))).toEqual([
      'environment must be one of stage, prod, got "production"',
    ]);
  });

  it('fills defaults and freezes the result', () => {
    // Prepare
    const input = withRaw({}, ['backend', 'image', 'function.logLevel']);

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config.backend).toEqual({ type: 'local' });
    expect(config.image).toEqual({ keepImages: 10, forceDelete: false });
    expect(config.function.logLevel).toBe('INFO');
    expect(Object.isFrozen(config.function)).toBe(true);
  });
});
