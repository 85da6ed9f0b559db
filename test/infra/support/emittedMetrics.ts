/**
 * What the deployed function really emits: the real handler, with telemetry named as the synthesized function's
 * environment names it (service, metrics namespace), run over a batch with valid and malformed records, and its EMF
 * documents parsed from stdout. Infra tests compare alarms and dashboard queries with these, so a metric renamed or
 * re-dimensioned on one side only turns them red.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTelemetry } from '../../../functions/adapters/observability';
import { createHandler } from '../../../functions/handler';
import { DEFAULT_RUN_ID, runDir } from '../../../model/src/artifacts';
import { referenceSchema } from '../../../model/src/contract';
import { fakeScorer, kinesisEvent, RUN_ID, signatureFor } from '../../helpers/factories';
import { onlyResource, type SynthesizedStack } from './stackFixtures';

/** One EMF document: its directive and the values and dimension values at the top level. */
export type EmfDocument = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};

/** A metric as CloudWatch identifies it: namespace, name and the dimensions' names and values. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The synthesized function's `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE`. */
export function functionTelemetryNames(synthesized: SynthesizedStack): {
  serviceName: string;
  namespace: string;
} {
  const fn = onlyResource(synthesized.tf, 'aws_lambda_function').body as {
    environment: { variables: Record<string, string> };
  };
  const variables = fn.environment.variables;
  return {
    serviceName: variables.POWERTOOLS_SERVICE_NAME ?? '',
    namespace: variables.POWERTOOLS_METRICS_NAMESPACE ?? '',
  };
}

/**
 * Runs the real handler (fake scorer, dry run, drift on with small minimums) over four valid records and one that is
 * not JSON, and returns the EMF documents it printed.
 */
export async function emfOfDeployedFunction(synthesized: SynthesizedStack): Promise<EmfDocument[]> {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  const lines: EmfDocument[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n')) {
        const parsed = line.trim() ? (JSON.parse(line) as Partial<EmfDocument>) : {};
        if (parsed._aws) lines.push(parsed as EmfDocument);
      }
      return true;
    }),
  );
  try {
    // Powertools reads this one itself; unset, metrics are published.
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const signature = signatureFor('seed3');
    const committed = referenceSchema.parse(
      JSON.parse(fs.readFileSync(path.join(runDir(DEFAULT_RUN_ID), 'reference.json'), 'utf8')),
    );
    const handle = createHandler({
      loadModel: () =>
        Promise.resolve({
          signature,
          scorer: fakeScorer(signature.classes),
          location: 'test',
          loadMs: 1,
          reference: { status: 'loaded', reference: { ...committed, run_id: RUN_ID }, location: 'test' },
        }),
      output: { kind: 'dry-run' },
      telemetry: createTelemetry(functionTelemetryNames(synthesized)),
      drift: { minRecords: 3, windowRecords: 10 },
    });
    await handle(kinesisEvent([{}, {}, {}, {}, { payload: 'not json' }]));
  } finally {
    for (const spy of spies) spy.mockRestore();
    if (saved !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = saved;
  }
  return lines;
}

/** The documents that carry `metric` with exactly its namespace, dimension names and dimension values. */
export function documentsEmitting(documents: readonly EmfDocument[], metric: MetricIdentity): EmfDocument[] {
  const names = Object.keys(metric.dimensions).sort().join();
  return documents.filter((document) => {
    const directive = document._aws.CloudWatchMetrics[0]!;
    return (
      directive.Namespace === metric.namespace &&
      directive.Metrics.some((m) => m.Name === metric.metricName) &&
      directive.Dimensions.some((set) => [...set].sort().join() === names) &&
      Object.entries(metric.dimensions).every(([key, value]) => document[key] === value) &&
      typeof document[metric.metricName] === 'number'
    );
  });
}
