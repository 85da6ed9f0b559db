import { Metrics } from '@aws-lambda-powertools/metrics';
import { reportDrift } from '../../../../functions/adapters/observability';
import type { DriftSnapshot } from '../../../../functions/core/drift';
import { driftLine, tapEmf } from '../../../../scripts/monitor/emfTap';

const snapshot: DriftSnapshot = {
  batchRecords: 600,
  windowRecords: 1000,
  features: [
    { name: 'alcohol', psi: 3.1011, windowPsi: 3.0927 },
    { name: 'sulphates', psi: undefined, windowPsi: 0.0125 },
  ],
  prediction: { psi: 0.55, windowPsi: 0.5474 },
};

describe('EMF tap of the local demo', () => {
  it('catches the handler’s drift documents, lets other output through, and sums them up in one line', () => {
    // Prepare: what reaches the terminal is recorded; the tap sits in front of it, as in the demo.
    const written: string[] = [];
    const terminal = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const tap = tapEmf();
    const metrics = () => new Metrics({ namespace: 'Test', serviceName: 'scorer' });

    // Act
    try {
      const main = metrics();
      reportDrift({ logger: console as never, metrics: main, featureMetrics: metrics() }, snapshot);
      main.addMetric('RecordsReceived', 'Count', 600);
      main.publishStoredMetrics();
      process.stdout.write('batch line\n');
    } finally {
      tap.restore();
      terminal.mockRestore();
    }
    const line = driftLine(tap.take());

    // Assess
    expect(written).toEqual(['batch line\n']);
    expect(line).toBe(
      'drift PSI, window of 1000 records [batch]: alcohol 3.093 [3.101] DRIFT · sulphates 0.013 · ' +
        'predicted quality 0.547 DRIFT',
    );
  });

  it('has nothing to say without drift metrics', () => {
    // Prepare / Act / Assess
    expect(driftLine([{ _aws: {}, RecordsReceived: 3 }])).toBeUndefined();
  });
});
