import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DriftMetricName, FEATURE_DIMENSION, SERVICE_DIMENSION } from '../../functions/contract/metrics';
import { driftFeatureProblems, loadInfraConfig } from '../../infra/config/load';
import type { InfraConfigInput } from '../../infra/config/schema';
import { driftAlarmId } from '../../infra/constructs/monitoring';
import { InfraConfigError } from '../../infra/errors';
import { CONFIG_DIR, RUNS_FILE } from '../../infra/paths';
import { DEFAULT_RUN_ID, referenceRunId } from '../../model/src/artifacts';
import { RUN_ID } from '../helpers/factories';
import { documentsEmitting, emfOfDeployedFunction } from './support/emittedMetrics';
import { onlyResource, ref, resourcesOf, synthStack, type SynthesizedStack } from './support/stackFixtures';

type Alarm = {
  alarm_name: string;
  namespace: string;
  metric_name: string;
  dimensions: Record<string, string>;
  threshold: number;
  statistic: string;
  evaluation_periods: number;
  datapoints_to_alarm: number;
  alarm_actions: string[];
  ok_actions: string[];
};

const driftAlarms = (synthesized: SynthesizedStack): Alarm[] =>
  (Object.values(resourcesOf(synthesized.tf, 'aws_cloudwatch_metric_alarm')) as unknown as Alarm[]).filter(
    (a) => a.alarm_name.includes('-drift-'),
  );

describe('drift alarms', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    synthesized = synthStack();
  });

  it('watch exactly the metric name, namespace and dimensions the deployed function emits', async () => {
    // Prepare
    const alarms = driftAlarms(synthesized);

    // Act
    const documents = await emfOfDeployedFunction(synthesized);

    // Assess
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      const emitted = documentsEmitting(documents, {
        namespace: alarm.namespace,
        metricName: alarm.metric_name,
        dimensions: alarm.dimensions,
      });
      expect({ alarm: alarm.alarm_name, emitted: emitted.length }).toEqual({
        alarm: alarm.alarm_name,
        emitted: 1,
      });
    }
  });

  it('alarm on the function’s own metric-name constants, with one feature dimension per configured feature', () => {
    // Prepare / Act
    const alarms = driftAlarms(synthesized);

    // Assess
    expect(
      alarms
        .map((a) => [a.alarm_name, a.metric_name, a.dimensions[FEATURE_DIMENSION] ?? null, a.threshold])
        .sort(),
    ).toEqual([
      ['wq-test-scorer-drift-alcohol', DriftMetricName.featurePsiWindow, 'alcohol', 0.2],
      ['wq-test-scorer-drift-predictions', DriftMetricName.predictionPsiWindow, null, 0.35],
      ['wq-test-scorer-drift-sulphates', DriftMetricName.featurePsiWindow, 'sulphates', 0.3],
      ['wq-test-scorer-drift-volatile-acidity', DriftMetricName.featurePsiWindow, 'volatile acidity', 0.25],
    ]);
    for (const alarm of alarms) expect(alarm.dimensions[SERVICE_DIMENSION]).toBe('scorer-under-test');
  });

  it('notify the alarm topic on alarm and recovery, after the configured consecutive 5-minute periods', () => {
    // Prepare
    const topic = onlyResource(synthesized.tf, 'aws_sns_topic');

    // Act
    const alarms = driftAlarms(synthesized);

    // Assess
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        statistic: 'Average',
        evaluation_periods: 2,
        datapoints_to_alarm: 2,
        alarm_actions: [ref('aws_sns_topic', topic.id, 'arn')],
        ok_actions: [ref('aws_sns_topic', topic.id, 'arn')],
      });
    }
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'wq-test-scorer-drift-alcohol',
      period: 300,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'notBreaching',
    });
  });

  it('leave the prediction alarm out when its threshold is null', () => {
    // Prepare / Act
    const withoutPredictions = synthStack((c) => {
      c.alarms.drift.predictionPsi = null;
    });

    // Assess
    expect(driftAlarms(withoutPredictions).map((a) => a.alarm_name)).not.toContain(
      'wq-test-scorer-drift-predictions',
    );
    expect(driftAlarms(withoutPredictions)).toHaveLength(3);
  });

  it('graph every configured feature’s window and batch PSI on the dashboard', () => {
    // Prepare
    const body = onlyResource(synthesized.tf, 'aws_cloudwatch_dashboard').body.dashboard_body as string;

    // Act
    const lines = (JSON.parse(body) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .filter((m) => m[1] === DriftMetricName.featurePsiWindow || m[1] === DriftMetricName.featurePsi)
      .map((m) => `${String(m[1])}/${String(m[5])}`);

    // Assess
    expect(lines.sort()).toEqual(
      ['alcohol', 'volatile acidity', 'sulphates']
        .flatMap((f) => [`${DriftMetricName.featurePsiWindow}/${f}`, `${DriftMetricName.featurePsi}/${f}`])
        .sort(),
    );
  });

  it('get a short alarm id per feature name', () => {
    // Prepare / Act / Assess
    expect(driftAlarmId('free sulfur dioxide')).toBe('drift-free-sulfur-dioxide');
    expect(driftAlarmId('pH')).toBe('drift-ph');
  });
});

describe('drift alarm configuration', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeConfig(mutate: (config: InfraConfigInput) => void): void {
    const config = JSON.parse(
      fs.readFileSync(path.join(CONFIG_DIR, 'stage.json'), 'utf8'),
    ) as InfraConfigInput;
    mutate(config);
    fs.writeFileSync(path.join(dir, 'stage.json'), JSON.stringify(config));
  }

  it('accepts the committed configurations, whose features match the default run’s signature', () => {
    // Prepare / Act
    const configs = (['stage', 'prod'] as const).map((env) =>
      loadInfraConfig(env, { configDir: CONFIG_DIR, runsFile: RUNS_FILE }),
    );

    // Assess
    for (const config of configs) {
      expect(config.model.runId).toBe(DEFAULT_RUN_ID);
      expect(Object.keys(config.alarms.drift.featurePsi).sort()).toEqual(
        ['alcohol', 'sulphates', 'volatile acidity'].sort(),
      );
    }
  });

  it('refuses thresholds that do not cover the served run’s features, naming each one', () => {
    // Prepare: the 11-feature run with the 3-feature thresholds plus one for a feature it does not take.
    const allRun = referenceRunId('all')!;
    writeConfig((c) => {
      c.model.runId = allRun;
      c.alarms.drift.featurePsi = { alcohol: 0.25, 'volatile acidity': 0.25, sulphates: 0.25 };
    });

    // Act
    const load = () => loadInfraConfig('stage', { configDir: dir, runsFile: RUNS_FILE });

    // Assess
    expect(load).toThrow(InfraConfigError);
    expect(load).toThrow(
      `stage.json: alarms.drift.featurePsi: no threshold for "fixed acidity", an input of run ${allRun}`,
    );
    expect(load).toThrow(`no threshold for "density"`);
  });

  it('names a threshold for a feature the model does not take', () => {
    // Prepare / Act
    const problems = driftFeatureProblems({ alcohol: 0.2, pH: 0.2 }, ['alcohol'], RUN_ID);

    // Assess
    expect(problems).toEqual([
      `alarms.drift.featurePsi.pH: not an input of run ${RUN_ID}, so its alarm would never see data`,
    ]);
  });

  it.each([
    ['no feature', {}, 'alarms.drift.featurePsi: must name at least one feature'],
    ['a zero threshold', { alcohol: 0 }, 'alarms.drift.featurePsi.alcohol: must be a PSI above 0'],
    ['an unknown feature', { colour: 0.2 }, 'alarms.drift.featurePsi: Unrecognized key: "colour"'],
  ])('refuses %s', (_, featurePsi, message) => {
    // Prepare
    writeConfig((c) => {
      c.alarms.drift.featurePsi = featurePsi as InfraConfigInput['alarms']['drift']['featurePsi'];
    });

    // Act
    const load = () => loadInfraConfig('stage', { configDir: dir, runsFile: RUNS_FILE });

    // Assess
    expect(load).toThrow(`stage.json: ${message}`);
  });

  it('skips the signature check when the run is not committed here (it was published from elsewhere)', () => {
    // Prepare
    writeConfig((c) => {
      c.model.runId = RUN_ID;
      c.alarms.drift.featurePsi = { pH: 0.25 };
    });

    // Act
    const config = loadInfraConfig('stage', { configDir: dir, runsFile: RUNS_FILE });

    // Assess
    expect(config.alarms.drift.featurePsi).toEqual({ pH: 0.25 });
  });
});
