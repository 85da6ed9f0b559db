import fs from 'node:fs';
import { parse } from 'node-html-parser';
import { runScript } from '../helpers/scripts';

// The demo with a drifted producer: ≈1000 records through the real handler behind the local poller, then a report.
jest.setTimeout(180_000);

describe('npm run demo -- --drift', () => {
  let report: string | undefined;
  afterAll(() => {
    if (report) fs.rmSync(report, { force: true });
  });

  it('shows alcohol drifting in the handler’s own metrics and in the report, with the same PSI', async () => {
    // Prepare / Act
    const { code, output } = await runScript('scripts/local-stack/demo.ts', ['--drift'], {
      ...process.env,
      DEMO_TIMEOUT_SECONDS: '150',
    });

    // Assess
    expect({ code, tail: output.slice(-2500) }).toMatchObject({ code: 0 });
    expect(output).toContain('Every record is accounted for.');
    // The last drift line: the window then holds every valid record sent.
    const metricLine =
      output
        .split('\n')
        .filter((l) => l.includes('drift PSI, window of'))
        .at(-1) ?? '';
    const emitted = (name: string) => Number(new RegExp(`${name} (\\d+\\.\\d{3})`).exec(metricLine)?.[1]);
    expect(metricLine).toMatch(/window of 980 records/);
    expect(emitted('alcohol')).toBeGreaterThan(0.25);
    expect(metricLine).toMatch(/alcohol \d+\.\d{3}( \[\d+\.\d{3}\])? DRIFT/);
    expect(emitted('volatile acidity')).toBeLessThan(0.1);
    expect(emitted('sulphates')).toBeLessThan(0.1);

    report = /Report: (.+\.html)/.exec(output)?.[1];
    expect(report).toBeDefined();
    const page = parse(fs.readFileSync(report!, 'utf8'));
    for (const name of ['alcohol', 'volatile acidity', 'sulphates']) {
      const psi = page.querySelector(`section.feature[data-feature="${name}"] h3 .psi-inline b`)?.text;
      expect({ name, psi: Number(psi) }).toEqual({ name, psi: emitted(name) });
    }
    expect(page.querySelector('section.feature[data-feature="alcohol"] .level-drift')).not.toBeNull();
  });
});
