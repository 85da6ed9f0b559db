/**
 * The lint rules that keep imports running one way (eslint.config.mjs) must bite: each case lints a small snippet as if
 * it were a file at a real path in one area, with the project's own configuration (test/helpers/lint-snippets.mjs, one
 * child process for all cases). Only the two rules under test run, without type information: they are syntactic, and
 * building the TypeScript program the type-aware rules need would cost ≈30 s for nothing they check.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths';

const importing = (specifier: string) => `import * as imported from '${specifier}';\nexport { imported };\n`;
const writing = (statement: string) => `${statement}\nexport {};\n`;

const REFUSED_IMPORTS: [file: string, specifier: string, what: string][] = [
  ['functions/core/decode.ts', '../adapters/aws-clients', 'the pure core imports an adapter'],
  ['functions/core/decode.ts', 'node:fs', 'the pure core does file I/O'],
  ['functions/core/drift/psi.ts', '@aws-sdk/client-s3', 'the pure core imports the AWS SDK'],
  ['functions/core/decode.ts', 'onnxruntime-node', 'the pure core imports onnxruntime'],
  ['model/src/publish.ts', '../../functions/adapters/aws-clients', 'model imports the function'],
  ['model/index.ts', '../functions/config', 'model imports the function'],
  ['infra/stack.ts', '../scripts/local-stack/config', 'infra imports scripts'],
  ['infra/constructs/monitoring.ts', '../../functions/adapters/observability', 'infra imports an adapter'],
  ['infra/stack.ts', '../functions/config', "infra imports the function's config"],
  ['infra/stack.ts', '../model/src/artifacts', "infra imports the model's internals"],
  ['scripts/streams/tail.ts', '../../model/src/artifacts', "scripts import the model's internals"],
  ['docker/invoke.ts', '../model/src/runStore', "docker helpers import the model's internals"],
  ['functions/handler.ts', '../test/helpers/factories', 'the function imports a test helper'],
  ['scripts/bench/compute.ts', '../../test/helpers/factories', 'a script imports a test helper'],
  ['infra/stack.ts', '../test/helpers/drift', 'infra imports a test helper'],
  ['model/src/pipeline.ts', '../../test/helpers/drift', 'model imports a test helper'],
  ['functions/adapters/modelStore.ts', '../../scripts/emulators/ports', 'the function imports scripts'],
];

const ALLOWED_IMPORTS: [file: string, specifier: string][] = [
  ['functions/core/decode.ts', './types'],
  ['functions/core/decode.ts', '../contract/metrics'],
  ['functions/core/validate.ts', '../../model/src/contract'],
  ['functions/handler.ts', './adapters/aws-clients'],
  ['model/src/publish.ts', './contract'],
  ['infra/constructs/monitoring.ts', '../../functions/contract/metrics'],
  ['infra/stack.ts', '../model/index'],
  ['infra/config/schema.ts', '../../model/src/contract'],
  ['scripts/streams/tail.ts', '../../model'],
  ['scripts/streams/tail.ts', '../../model/src/contract'],
  ['scripts/streams/tail.ts', '../../functions/adapters/aws-clients'],
  ['scripts/local-stack/demo.ts', '../accounting/verdict'],
  ['test/unit/functions/handler.test.ts', '../../helpers/factories'],
  ['test/unit/functions/handler.test.ts', '../../../scripts/poller'],
];

const ENV_WRITES: [file: string, statement: string][] = [
  ['functions/handler.ts', "process.env.RUN_ID = 'x';"],
  ['scripts/local-stack/start.ts', "process.env['MODEL_BUCKET'] = 'b';"],
  ['scripts/e2e/pipeline.ts', 'delete process.env.POWERTOOLS_LOG_LEVEL;'],
  ['infra/main.ts', "Object.assign(process.env, { TEST_RUN: 'True' });"],
  ['model/src/cli/train.ts', "process.env.SEED ??= '1';"],
  ['docker/invoke.ts', "Reflect.deleteProperty(process.env, 'AWS_REGION');"],
];

const READING_ENV = [
  'scripts/local-stack/demo.ts',
  "const env = { ...process.env };\nenv.POWERTOOLS_LOG_LEVEL ||= 'ERROR';\nexport const level = process.env.LEVEL ?? env.POWERTOOLS_LOG_LEVEL;\n",
] as const;

const SNIPPETS = [
  ...REFUSED_IMPORTS.map(([filePath, specifier]) => ({ filePath, code: importing(specifier) })),
  ...ALLOWED_IMPORTS.map(([filePath, specifier]) => ({ filePath, code: importing(specifier) })),
  ...ENV_WRITES.map(([filePath, statement]) => ({ filePath, code: writing(statement) })),
  { filePath: READING_ENV[0], code: READING_ENV[1] },
];

let results: Map<string, string[]>;

beforeAll(() => {
  const out = execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'test/helpers/lint-snippets.mjs'), 'no-restricted-imports', 'no-restricted-syntax'],
    { input: JSON.stringify(SNIPPETS), encoding: 'utf8', timeout: 120_000 },
  );
  const messages = JSON.parse(out) as string[][];
  results = new Map(
    SNIPPETS.map((snippet, i) => [`${snippet.filePath}\n${snippet.code}`, messages[i] ?? []]),
  );
}, 120_000);

/** The messages of the rules under test for `code` as the file `filePath` (linted in `beforeAll`). */
function lint(filePath: string, code: string): string[] {
  const messages = results.get(`${filePath}\n${code}`);
  if (!messages) throw new Error(`the snippet for ${filePath} was not linted`);
  if (messages.some((m) => m.startsWith('fatal:'))) throw new Error(`${filePath}: ${messages.join('; ')}`);
  return messages;
}

describe('import direction', () => {
  it.each(REFUSED_IMPORTS)('refuses %s importing %s (%s)', (filePath, specifier) => {
    // Act
    const messages = lint(filePath, importing(specifier));

    // Assess
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: /)]);
  });

  it.each(ALLOWED_IMPORTS)('allows %s importing %s', (filePath, specifier) => {
    // Act
    const messages = lint(filePath, importing(specifier));

    // Assess
    expect(messages).toEqual([]);
  });
});

describe('configuration by process.env', () => {
  it.each(ENV_WRITES)('refuses writing it in %s: %s', (filePath, statement) => {
    // Act
    const messages = lint(filePath, writing(statement));

    // Assess
    expect(messages).toEqual([
      'no-restricted-syntax: do not write process.env: pass configuration explicitly',
    ]);
  });

  it('allows reading it, and copying it into a new object', () => {
    // Act
    const messages = lint(...READING_ENV);

    // Assess
    expect(messages).toEqual([]);
  });
});
