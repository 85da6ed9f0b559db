import { Metrics } from '@aws-lambda-powertools/metrics';
import { Writable } from 'node:stream';
import { reportDrift } from '../../../functions/adapters/observability';
import type { DriftSnapshot } from '../../../functions/core/drift';
import { driftLine, tapEmf } from '../../../scripts/monitor/emfTap';

const snapshot: DriftSnapshot = {
  batchRecords: 600,
  windowRecords: 1000,
  features: [
    { name: 'alcohol', psi: 3.1011, windowPsi: 3.0927 },
    { name: 'sulphates', psi: undefined, windowPsi: 0.0125 },
  ],
  prediction: { psi: 0.55, windowPsi: 0.5474 },
};

/** A stand-in for process.stdout that records what reaches it. */
function terminal() {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('EMF tap of the local demo', () => {
  it('catches the handler’s drift documents, lets other output through, and sums them up in one line', () => {
    // Prepare
    const { stream, written } = terminal();
    const tap = tapEmf(stream);
    const originalStdout = process.stdout.write;
    // Powertools writes through its own Console bound to process.stdout: route that to the stand-in.
    process.stdout.write = stream.write.bind(stream) as typeof process.stdout.write;
    const metrics = () => new Metrics({ namespace: 'Test', serviceName: 'scorer' });

    // Act
    try {
      const main = metrics();
      reportDrift({ logger: console as never, metrics: main, featureMetrics: metrics() }, snapshot);
      main.addMetric('RecordsReceived', 'Count', 600);
      main.publishStoredMetrics();
      stream.write('batch line\n');
    } finally {
      process.stdout.write = originalStdout;
      tap.restore();
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
