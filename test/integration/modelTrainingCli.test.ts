import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CSV_HEADER, sampleCsv } from '../helpers/modelFixtures';

jest.setTimeout(60_000);

const REPO_ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');

/** Runs `npm run train -- …args` (via tsx directly) and returns its exit code and output. */
async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['model/src/cli/train.ts', ...args], {
      cwd: REPO_ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run train (errors)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-train-cli-'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops on a bad CSV cell with one line naming file, line and column, and writes nothing', async () => {
    // Prepare
    const csv = path.join(dir, 'bad.csv');
    fs.writeFileSync(csv, sampleCsv().replace(';0.3;', ';n/a;'));
    const out = path.join(dir, 'out');

    // Act
    const result = await train(['--data', csv, '--out', out, '--workers', '1']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^error \[CSV_INVALID\]: .*bad\.csv: line 3, column 2 \("volatile acidity"\): expected a number, found "n\/a"$/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('stops on a header lacking a column', async () => {
    // Prepare
    const csv = path.join(dir, 'no-alcohol.csv');
    fs.writeFileSync(csv, sampleCsv().replace(CSV_HEADER, CSV_HEADER.replace(';"alcohol"', ';"colour"')));

    // Act
    const result = await train(['--data', csv, '--workers', '1']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 1, column 11: unexpected header "colour"');
  });

  it('rejects an unknown feature set, listing the valid ones', async () => {
    // Act
    const result = await train(['--features', 'seed4']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('error [USAGE]: --features must be one of all, seed3, got seed4');
  });
});
