import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RUN_ID, runDir } from '../../model/src/artifacts';

// The whole pipeline on ≈1000 records: stack start, model load, PutRecords, two batches, accounting, stop.
jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');

describe('npm run demo', () => {
  it('accounts for every record of the test split and the malformed ones, then exits 0', async () => {
    // Prepare
    const metrics = JSON.parse(
      fs.readFileSync(path.join(runDir(DEFAULT_RUN_ID), 'metrics.json'), 'utf8'),
    ) as {
      split: { test_row_indices: number[] };
      test: { accuracy: number };
    };
    const testRows = metrics.split.test_row_indices.length;

    // Act
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/local-stack/demo.ts'],
        {
          cwd: ROOT,
          env: { ...process.env, DEMO_TIMEOUT_SECONDS: '150' },
        },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('exit', (exitCode) => resolve({ code: exitCode, output: text }));
    });

    // Assess
    expect({ code, tail: output.slice(-2500) }).toMatchObject({ code: 0 });
    expect(output).toMatch(new RegExp(`sent\\s+${testRows + 7}\\s`));
    expect(output).toMatch(new RegExp(`predicted\\s+${testRows}\\n`));
    expect(output).toMatch(
      /rejected\s+7\s+\(invalid_utf8 1, invalid_json 1, not_object 1, missing_feature 1, invalid_value 2, too_large 1\)/,
    );
    expect(output).toMatch(/unaccounted\s+0\n/);
    expect(output).toMatch(/mismatches\s+0\n/);
    expect(output).toContain(`metrics.json test accuracy ${metrics.test.accuracy.toFixed(4)}: identical`);
    expect(output).toContain('Every record is accounted for.');
    expect(output).toContain('Stopped the local stack.');
  });
});
