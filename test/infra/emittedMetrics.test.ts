/**
 * Every alarm and dashboard query on the function's own namespace must name a metric the function really emits — the
 * same name, namespace, dimensions and dimension values — checked against the EMF the real handler prints. A metric
 * renamed, moved or re-dimensioned on either side (observability.ts or infra/constructs/monitoring.ts) fails here.
 */
import { MetricName } from '../../functions/contract/metrics';
import {
  documentsEmitting,
  emfOfDeployedFunction,
  functionTelemetryNames,
  type EmfDocument,
  type MetricIdentity,
} from './support/emittedMetrics';
import { onlyResource, resourcesOf, synthStack, type SynthesizedStack } from './support/stackFixtures';

type Alarm = {
  alarm_name: string;
  namespace: string;
  metric_name: string;
  dimensions: Record<string, string>;
};

/** `[namespace, name, dim1, value1, …, { options }?]` of a dashboard widget → the metric it queries. */
function dashboardMetric(line: readonly unknown[]): MetricIdentity {
  const [namespace, metricName, ...rest] = line;
  const pairs = rest.filter((part): part is string => typeof part === 'string');
  const dimensions: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
  return { namespace: String(namespace), metricName: String(metricName), dimensions };
}

describe('alarms and dashboard on the function’s own metrics', () => {
  let synthesized: SynthesizedStack;
  let namespace: string;
  let documents: EmfDocument[];

  beforeAll(async () => {
    synthesized = synthStack();
    namespace = functionTelemetryNames(synthesized).namespace;
    documents = await emfOfDeployedFunction(synthesized);
  });

  it('alarm only on metrics the function emits, with the same namespace, dimensions and values', () => {
    // Prepare
    const alarms = (
      Object.values(resourcesOf(synthesized.tf, 'aws_cloudwatch_metric_alarm')) as Alarm[]
    ).filter((alarm) => alarm.namespace === namespace);

    // Act
    const matches = alarms.map((alarm) => ({
      alarm: alarm.alarm_name,
      emitted: documentsEmitting(documents, {
        namespace: alarm.namespace,
        metricName: alarm.metric_name,
        dimensions: alarm.dimensions,
      }).length,
    }));

    // Assess: the rejected-records alarm and the four drift alarms, each on exactly one emitted document
    expect(alarms.map((a) => a.metric_name)).toContain(MetricName.recordsRejected);
    expect(matches).toHaveLength(5);
    for (const match of matches) expect(match).toEqual({ alarm: match.alarm, emitted: 1 });
  });

  it('graph only metrics the function emits on the dashboard', () => {
    // Prepare
    const body = onlyResource(synthesized.tf, 'aws_cloudwatch_dashboard').body.dashboard_body as string;
    const widgets = (JSON.parse(body) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;

    // Act
    const queried = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .map(dashboardMetric)
      .filter((metric) => metric.namespace === namespace);
    const missing = queried.filter((metric) => documentsEmitting(documents, metric).length === 0);

    // Assess
    expect(queried.map((m) => m.metricName)).toEqual(
      expect.arrayContaining([
        MetricName.recordsPredicted,
        MetricName.recordsRejected,
        MetricName.recordsFailed,
      ]),
    );
    expect(missing).toEqual([]);
  });
});
