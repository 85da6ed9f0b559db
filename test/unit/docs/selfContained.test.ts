/**
 * The repository is self-contained: no tracked file refers to a path outside it (the team's shelf documents, a
 * developer's home or work folder, a relative path above the root). See outsideReferences.ts for the rules.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { outsideReferences, SHELF_FOLDER_NAME } from './outsideReferences';

const ROOT = path.resolve(__dirname, '../../..');

// These two files hold the patterns and the bad examples they must catch, by necessity.
const SELF = new Set(['test/unit/docs/outsideReferences.ts', 'test/unit/docs/selfContained.test.ts']);

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '');
const trackedNames = new Set(tracked.map((file) => path.posix.basename(file)));
const noNames = new Set<string>();
// The shelf folder as a climbing path, built here so that no file of the repository spells it out.
const SHELF = path.posix.join('..', SHELF_FOLDER_NAME);

/** Finds in one line, as if it were the given file's first line. */
const check = (file: string, line: string) => outsideReferences(file, line, noNames).map((r) => r.text);

describe('references outside the repository', () => {
  it('appear in no tracked text file', () => {
    // Prepare
    const texts = tracked
      .filter((file) => !SELF.has(file) && fs.existsSync(path.join(ROOT, file)))
      .map((file) => ({ file, bytes: fs.readFileSync(path.join(ROOT, file)) }))
      // Binary files (model.onnx, the PNG) hold no paths a reader follows.
      .filter(({ bytes }) => !bytes.subarray(0, 8000).includes(0));

    // Act
    const found = texts.flatMap(({ file, bytes }) =>
      outsideReferences(file, bytes.toString('utf8'), trackedNames).map(
        (r) => `${r.file}:${r.line}: "${r.text}" ${r.rule}`,
      ),
    );

    // Assess
    expect(texts.length).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it.each([
    ['model/src/contract.ts', ` * (\`${SHELF}/CONVENTIONS.md\` §1–§3).`, ['CONVENTIONS.md', SHELF]],
    ['functions/config.ts', '/** The configuration (CONVENTIONS §5). */', ['CONVENTIONS §']],
    ['scripts/bench/end-to-end.ts', '// slows down as a shard fills (TOOLCHAIN-NOTES)', ['TOOLCHAIN-NOTES']],
    ['README.md', 'Style: see STYLE.md.', ['STYLE.md']],
    ['README.md', 'Report: /work/main/reports/drift.html', ['/work/main/reports/drift.html']],
    ['docs/monitoring.md', 'written to /home/alice/wine/reports/x.html', ['/home/alice/wine/reports/x.html']],
    ['scripts/x.ts', "const data = '/root/.cache/wine.csv';", ['/root/.cache/wine.csv']],
    ['docs/model.md', 'on a Mac: /Users/bob/src/wine/model', ['/Users/bob/src/wine/model']],
    ['README.md', 'The [notes](../notes.md) of the team.', ['../notes.md']],
    ['docs/deploy.md', '[state](../../state/prod.tfstate)', ['../../state/prod.tfstate']],
    ['model/src/paths.ts', "import { x } from '../../../outside/thing';", ['../../../outside/thing']],
    ['test/unit/x.test.ts', "const ROOT = path.resolve(__dirname, '../../../..');", ['../../../..']],
    ['docker-compose.yml', '      - ../datasets/wine:/opt/data:ro', ['../datasets/wine']],
  ])('catches a bad line in %s: %s', (file, line, expected) => {
    // Act
    const found = check(file, line);

    // Assess
    expect(found).toEqual(expected);
  });

  it.each([
    ['scripts/e2e/pipeline.ts', "const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wine-e2e-'));"],
    ['test/unit/docker/a.test.ts', "const ROOT = path.resolve(__dirname, '../../..');"],
    ['functions/adapters/modelStore.ts', "import { ModelLoadError } from '../errors';"],
    ['infra/constructs/scoring-image.ts', " *  e.g. `../../../..` from the synthesized stack's directory"],
    ['docs/contract.md', 'See [the model](model.md) and [README](../README.md#architecture).'],
    [
      'README.md',
      'Docs: [docs/contract.md](docs/contract.md), https://example.com/home/alice/x, /tmp/work/x.',
    ],
    ['docker/s3rver/Dockerfile', 'WORKDIR /home/node'],
    ['scripts/x.ts', 'const all = [...rows, ...more]; // 1..5'],
    ['.ci/run', 'cd "$(dirname "$0")/.."'],
  ])('leaves a legitimate line alone in %s: %s', (file, line) => {
    // Act
    const found = check(file, line);

    // Assess
    expect(found).toEqual([]);
  });

  it("accepts a shelf name that is the repository's own file", () => {
    // Act
    const found = outsideReferences('README.md', 'See STYLE.md.', new Set(['STYLE.md']));

    // Assess
    expect(found).toEqual([]);
  });
});
