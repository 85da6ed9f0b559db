import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RUN_ID, runDir } from '../../model/src/artifacts';
import { malformedRecords } from '../../scripts/records/catalogue';
import { loadWhiteWine } from '../../scripts/records/wine';
import { runScript } from '../helpers/scripts';

// The whole pipeline on ≈1000 records: stack start, model load, PutRecords, two batches, accounting, stop.
jest.setTimeout(180_000);

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
    // The demo sends the end-to-end catalogue's malformed records: every one rejected with its reason.
    const malformed = malformedRecords(loadWhiteWine());
    const byReason = new Map<string, number>();
    for (const record of malformed) byReason.set(record.kind, (byReason.get(record.kind) ?? 0) + 1);
    const reasons = [...byReason].map(([reason, count]) => `${reason} ${count}`).join(', ');

    // Act
    const { code, output } = await runScript('scripts/local-stack/demo.ts', [], {
      ...process.env,
      DEMO_TIMEOUT_SECONDS: '150',
    });

    // Assess
    expect({ code, tail: output.slice(-2500) }).toMatchObject({ code: 0 });
    expect(output).toMatch(new RegExp(`sent\\s+${testRows + malformed.length}\\s`));
    expect(output).toMatch(new RegExp(`predicted\\s+${testRows}\\n`));
    expect(output).toContain(`rejected        ${malformed.length}  (${reasons})`);
    expect([...byReason.keys()].sort()).toEqual(
      ['invalid_utf8', 'invalid_json', 'not_object', 'missing_feature', 'invalid_value', 'too_large'].sort(),
    );
    expect(output).toMatch(/unaccounted\s+0\n/);
    expect(output).toMatch(/mismatches\s+0\n/);
    expect(output).toContain(`metrics.json test accuracy ${metrics.test.accuracy.toFixed(4)}: identical`);
    expect(output).toContain('Every record is accounted for.');
    expect(output).toContain('Stopped the local stack.');
  });
});
