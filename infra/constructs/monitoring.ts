/**
 * Alarms, their SNS topic (with an optional e-mail subscription) and a CloudWatch dashboard for the pipeline:
 * - IteratorAge (Maximum): the function falls behind the input stream;
 * - Errors and Throttles of the function;
 * The Lambda metrics follow the alias the event source mapping invokes (dimensions `FunctionName` + `Resource` =
 * `<function>:live`), so they measure whichever version serves after a promote or a rollback; the dashboard also
 * splits invocations by `ExecutedVersion`, which shows a swap as it happens. The function's own EMF metrics carry
 * the `service` dimension only: every version emits them, and only the alias's version receives stream traffic.
 * - visible messages on the on-failure queue: a batch was given up on;
 * - WriteProvisionedThroughputExceeded on the output stream: predictions are being throttled;
 * - the function's own EMF metric of rejected (quarantined) records: producers send bad data;
 * - drift: per input feature, the function's rolling-window PSI against the training reference (`FeaturePSIWindow`
 *   with dimensions `service` + `feature`), and the same for the predicted classes (`PredictionPSIWindow`), each
 *   with its configured threshold. Metric names and dimension keys come from the function's own constants
 *   (`functions/contract/metrics.ts`), so the alarms watch exactly what the function emits.
 *
 * The topic is not KMS-encrypted on purpose: CloudWatch can publish only to topics whose key policy grants it,
 * and the AWS-managed `alias/aws/sns` key's policy cannot be changed — alarms would fail silently. Alarm
 * notifications carry no record data.
 */
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import {
  BatchMetricName,
  DriftMetricName,
  FEATURE_DIMENSION,
  MetricName,
  SERVICE_DIMENSION,
} from '../../functions/contract/metrics';
import { MIN_PSI_RECORDS, PSI_THRESHOLDS } from '../../functions/contract/drift';

/** Options of {@link Monitoring}. */
export interface MonitoringOptions {
  readonly region: string;
  readonly topicName: string;
  readonly dashboardName: string;
  readonly functionName: string;
  /** The alias the event source mapping invokes (`live`). */
  readonly aliasName: string;
  readonly inputStreamName: string;
  readonly outputStreamName: string;
  readonly deadLetterQueueName: string;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly iteratorAgeMs: number;
  readonly rejectedRecordsPer5Minutes: number;
  /** Drift alarms: window PSI threshold per input feature and for the predicted classes (`null`: none). */
  readonly drift: DriftAlarmOptions;
  /** Subscribed to the topic when set (AWS sends a confirmation e-mail first). */
  readonly alertEmail?: string | undefined;
  /** The batch inference function, when deployed: its error and refused-file alarms and a dashboard row. */
  readonly batch?: BatchMonitoringOptions | undefined;
}

/** What monitoring needs to know about the batch function. */
export interface BatchMonitoringOptions {
  readonly functionName: string;
  /** Its `POWERTOOLS_SERVICE_NAME` (the `service` dimension of its metrics). */
  readonly serviceName: string;
}

/** Thresholds of the drift alarms (see `alarms.drift` in the infra configuration). */
export interface DriftAlarmOptions {
  /** Window PSI threshold per input feature of the served model. */
  readonly featurePsi: Readonly<Partial<Record<string, number>>>;
  readonly predictionPsi: number | null;
  /** Consecutive 5-minute periods above the threshold. */
  readonly evaluationPeriods: number;
}

/** Short alarm id of a feature's drift alarm: `drift-volatile-acidity`. */
export function driftAlarmId(feature: string): string {
  return `drift-${feature.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** Short alarm id of the predicted-class drift alarm. */
export const PREDICTION_DRIFT_ALARM_ID = 'drift-predictions';

interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: 'Maximum' | 'Sum' | 'Average';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
}

/** SNS topic, alarms and dashboard. */
export class Monitoring extends Construct {
  public readonly topic: SnsTopic;
  /** Alarms by short id (`iterator-age`, `errors`, …). */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  public readonly dashboard: CloudwatchDashboard;
  /** Console URL of the dashboard. */
  public readonly dashboardUrl: string;

  public constructor(scope: Construct, id: string, options: MonitoringOptions) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: options.topicName });
    if (options.alertEmail !== undefined) {
      new SnsTopicSubscription(this, 'email', {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: options.alertEmail,
      });
    }

    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    for (const spec of alarmSpecs(options)) {
      alarms[spec.id] = new CloudwatchMetricAlarm(this, `alarm-${spec.id}`, {
        alarmName: `${options.functionName}-${spec.id}`,
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        statistic: spec.statistic,
        period: spec.periodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        threshold: spec.threshold,
        comparisonOperator: 'GreaterThanThreshold',
        // No data means no traffic (or no failures), which is healthy for every metric here.
        treatMissingData: 'notBreaching',
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      });
    }
    this.alarms = alarms;

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: options.dashboardName,
      dashboardBody: JSON.stringify(dashboardBody(options, Object.values(alarms))),
    });
    this.dashboardUrl =
      `https://${options.region}.console.aws.amazon.com/cloudwatch/home?region=${options.region}` +
      `#dashboards/dashboard/${options.dashboardName}`;
  }
}

/** Lambda's dimensions for invocations through an alias: `Resource` is `<function>:<alias>`. */
function aliasDimensions(options: MonitoringOptions): Record<string, string> {
  return { FunctionName: options.functionName, Resource: `${options.functionName}:${options.aliasName}` };
}

/** Alarm on any occurrence: the 5-minute sum above zero. */
const ANY_IN_5_MINUTES = {
  statistic: 'Sum',
  periodSeconds: 300,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
} as const;

function alarmSpecs(options: MonitoringOptions): AlarmSpec[] {
  const fn = aliasDimensions(options);
  return [
    {
      id: 'iterator-age',
      description: `The scorer is more than ${options.iteratorAgeMs} ms behind the input stream (3 of 5 minutes).`,
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensions: fn,
      statistic: 'Maximum',
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: options.iteratorAgeMs,
    },
    {
      ...ANY_IN_5_MINUTES,
      id: 'errors',
      description: 'The scorer failed whole invocations (model load, configuration or unexpected errors).',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: fn,
    },
    {
      ...ANY_IN_5_MINUTES,
      id: 'throttles',
      description: 'Invocations of the scorer were throttled (reserved or account concurrency).',
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: fn,
    },
    {
      id: 'failed-batches',
      description:
        'The event source mapping gave up on a batch; its shard and sequence range are on the queue.',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: options.deadLetterQueueName },
      statistic: 'Maximum',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
    },
    {
      ...ANY_IN_5_MINUTES,
      id: 'predictions-throttled',
      description: 'Writes to the predictions stream exceeded its provisioned throughput.',
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      dimensions: { StreamName: options.outputStreamName },
    },
    {
      id: 'rejected-records',
      description: `More than ${options.rejectedRecordsPer5Minutes} records were rejected (quarantined) in 5 minutes.`,
      namespace: options.metricsNamespace,
      metricName: MetricName.recordsRejected,
      dimensions: { [SERVICE_DIMENSION]: options.serviceName },
      statistic: 'Sum',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: options.rejectedRecordsPer5Minutes,
    },
    ...driftAlarmSpecs(options),
    ...(options.batch === undefined ? [] : batchAlarmSpecs(options.batch, options.metricsNamespace)),
  ];
}

/** Batch inference: a failed invocation (retried by Lambda), and any refused file (too large, invalid, out of time). */
function batchAlarmSpecs(batch: BatchMonitoringOptions, namespace: string): AlarmSpec[] {
  return [
    {
      ...ANY_IN_5_MINUTES,
      id: 'batch-errors',
      description:
        'The batch function failed an invocation (S3 or model errors); Lambda retries the file twice.',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: batch.functionName },
    },
    {
      ...ANY_IN_5_MINUTES,
      id: 'batch-refused-files',
      description:
        'A batch file was refused: too large for one invocation, not a valid CSV / JSON Lines file, or out of time. ' +
        "The function's log names the file and the reason.",
      namespace,
      metricName: BatchMetricName.filesRefused,
      dimensions: { [SERVICE_DIMENSION]: batch.serviceName },
    },
  ];
}

/**
 * One alarm per feature on `FeaturePSIWindow` and one on `PredictionPSIWindow`. The statistic is the average over
 * each 5-minute period: every container emits its window's PSI once per batch, and averaging keeps one freshly
 * started container (whose window is still short) from paging alone. Drift is a lasting condition, so the alarm waits
 * for `evaluationPeriods` consecutive breaching periods.
 */
function driftAlarmSpecs(options: MonitoringOptions): AlarmSpec[] {
  const { drift } = options;
  const service = { [SERVICE_DIMENSION]: options.serviceName };
  const common = {
    namespace: options.metricsNamespace,
    statistic: 'Average',
    periodSeconds: 300,
    evaluationPeriods: drift.evaluationPeriods,
    datapointsToAlarm: drift.evaluationPeriods,
  } as const;
  const minutes = drift.evaluationPeriods * 5;
  const features = Object.entries(drift.featurePsi).flatMap(([feature, threshold]) =>
    threshold === undefined
      ? []
      : [
          {
            ...common,
            id: driftAlarmId(feature),
            description:
              `"${feature}" drifted from the training data: its PSI over the scorer's rolling window stayed above ` +
              `${threshold} for ${minutes} minutes. Inspect it with npm run monitor.`,
            metricName: DriftMetricName.featurePsiWindow,
            dimensions: { ...service, [FEATURE_DIMENSION]: feature },
            threshold,
          },
        ],
  );
  const predictions =
    drift.predictionPsi === null
      ? []
      : [
          {
            ...common,
            id: PREDICTION_DRIFT_ALARM_ID,
            description:
              `The predicted wine qualities drifted from the training class shares: PSI over the scorer's rolling ` +
              `window stayed above ${drift.predictionPsi} for ${minutes} minutes. Inspect it with npm run monitor.`,
            metricName: DriftMetricName.predictionPsiWindow,
            dimensions: service,
            threshold: drift.predictionPsi,
          },
        ];
  return [...features, ...predictions];
}

type MetricLine = (
  string | { stat?: string; label?: string; yAxis?: string; expression?: string; id?: string }
)[];

function dashboardBody(options: MonitoringOptions, alarms: readonly CloudwatchMetricAlarm[]): object {
  const { region } = options;
  const metric = (title: string, metrics: MetricLine[], stat: string, x: number, y: number): object => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, view: 'timeSeries', stacked: false, stat, period: 60, metrics },
  });
  const fn = Object.entries(aliasDimensions(options)).flat();
  const service = [SERVICE_DIMENSION, options.serviceName];
  return {
    widgets: [
      {
        type: 'alarm',
        x: 0,
        y: 0,
        width: 24,
        height: 3,
        properties: { title: 'Alarms', alarms: alarms.map((a) => a.arn) },
      },
      metric(
        'Records in / predictions out',
        [
          [
            'AWS/Kinesis',
            'IncomingRecords',
            'StreamName',
            options.inputStreamName,
            { label: 'input records' },
          ],
          [
            'AWS/Kinesis',
            'IncomingRecords',
            'StreamName',
            options.outputStreamName,
            { label: 'predictions' },
          ],
        ],
        'Sum',
        0,
        3,
      ),
      metric(
        'Iterator age (max, ms)',
        [['AWS/Lambda', 'IteratorAge', ...fn, { stat: 'Maximum' }]],
        'Maximum',
        12,
        3,
      ),
      metric(
        'Invocations, errors, throttles',
        [
          ['AWS/Lambda', 'Invocations', ...fn],
          ['AWS/Lambda', 'Errors', ...fn],
          ['AWS/Lambda', 'Throttles', ...fn],
        ],
        'Sum',
        0,
        9,
      ),
      metric(
        'Duration (ms)',
        [
          ['AWS/Lambda', 'Duration', ...fn, { stat: 'p50' }],
          ['AWS/Lambda', 'Duration', ...fn, { stat: 'p99' }],
          ['AWS/Lambda', 'Duration', ...fn, { stat: 'Maximum' }],
        ],
        'p50',
        12,
        9,
      ),
      metric(
        'Scorer: predicted, rejected (quarantined), failed (retried) records',
        [
          [options.metricsNamespace, MetricName.recordsPredicted, ...service],
          [options.metricsNamespace, MetricName.recordsRejected, ...service],
          [options.metricsNamespace, MetricName.recordsFailed, ...service],
        ],
        'Sum',
        0,
        15,
      ),
      metric(
        'Failed batches queue, prediction write throttling',
        [
          [
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            'QueueName',
            options.deadLetterQueueName,
            { stat: 'Maximum', label: 'failed batches (visible)' },
          ],
          [
            'AWS/Kinesis',
            'WriteProvisionedThroughputExceeded',
            'StreamName',
            options.outputStreamName,
            { label: 'prediction writes throttled' },
          ],
        ],
        'Sum',
        12,
        15,
      ),
      metric(
        `Invocations by executed version (alias ${options.aliasName})`,
        [
          [
            {
              id: 'versions',
              expression:
                `SEARCH('{AWS/Lambda,FunctionName,Resource,ExecutedVersion} MetricName="Invocations" ` +
                `FunctionName="${options.functionName}"', 'Sum', 60)`,
              label: '',
            },
          ],
        ],
        'Sum',
        0,
        21,
      ),
      ...driftWidgets(options, 27),
      ...(options.batch === undefined ? [] : [batchWidget(options, options.batch, 39)]),
    ],
  };
}

/** One row for batch inference: files scored and refused, rows predicted and rejected, invocation errors. */
function batchWidget(options: MonitoringOptions, batch: BatchMonitoringOptions, y: number): object {
  const service = [SERVICE_DIMENSION, batch.serviceName];
  const namespace = options.metricsNamespace;
  return {
    type: 'metric',
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: {
      title: 'Batch inference: files and rows',
      region: options.region,
      view: 'timeSeries',
      stacked: false,
      stat: 'Sum',
      period: 300,
      metrics: [
        [namespace, BatchMetricName.filesScored, ...service, { label: 'files scored' }],
        [namespace, BatchMetricName.filesRefused, ...service, { label: 'files refused' }],
        [namespace, BatchMetricName.rowsPredicted, ...service, { label: 'rows predicted', yAxis: 'right' }],
        [namespace, BatchMetricName.rowsRejected, ...service, { label: 'rows rejected', yAxis: 'right' }],
        ['AWS/Lambda', 'Errors', 'FunctionName', batch.functionName, { label: 'invocation errors' }],
      ],
    },
  };
}

/** Graphs of the drift metrics, with the stable/drift PSI levels as horizontal lines, from row `y` on. */
function driftWidgets(options: MonitoringOptions, y: number): object[] {
  const { region, metricsNamespace: namespace, serviceName } = options;
  const features = Object.keys(options.drift.featurePsi);
  const levels = [
    { label: `moderate (${PSI_THRESHOLDS.stable})`, value: PSI_THRESHOLDS.stable, color: '#ff9900' },
    { label: `drift (${PSI_THRESHOLDS.drift})`, value: PSI_THRESHOLDS.drift, color: '#d13212' },
  ];
  const widget = (title: string, metrics: MetricLine[], x: number, row: number, horizontal: object[]) => ({
    type: 'metric',
    x,
    y: row,
    width: 12,
    height: 6,
    properties: {
      title,
      region,
      view: 'timeSeries',
      stacked: false,
      stat: 'Average',
      period: 300,
      metrics,
      yAxis: { left: { min: 0, showUnits: false } },
      annotations: { horizontal },
    },
  });
  const perFeature = (metricName: string): MetricLine[] =>
    features.map((feature) => [
      namespace,
      metricName,
      SERVICE_DIMENSION,
      serviceName,
      FEATURE_DIMENSION,
      feature,
      { label: feature },
    ]);
  const predictionLevels =
    options.drift.predictionPsi === null
      ? levels
      : [
          {
            label: `alarm (${options.drift.predictionPsi})`,
            value: options.drift.predictionPsi,
            color: '#d13212',
          },
        ];
  return [
    widget(
      'Feature drift: PSI over the rolling window (alarmed)',
      perFeature(DriftMetricName.featurePsiWindow),
      0,
      y,
      levels,
    ),
    widget(
      `Feature drift: PSI per batch (batches of ≥ ${MIN_PSI_RECORDS} records)`,
      perFeature(DriftMetricName.featurePsi),
      12,
      y,
      levels,
    ),
    widget(
      'Prediction drift: predicted classes vs training class shares',
      [
        [
          namespace,
          DriftMetricName.predictionPsiWindow,
          SERVICE_DIMENSION,
          serviceName,
          { label: 'rolling window' },
        ],
        [namespace, DriftMetricName.predictionPsi, SERVICE_DIMENSION, serviceName, { label: 'per batch' }],
      ],
      0,
      y + 6,
      predictionLevels,
    ),
    widget(
      'Drift window size (records per container)',
      [[namespace, DriftMetricName.windowRecords, SERVICE_DIMENSION, serviceName, { stat: 'Maximum' }]],
      12,
      y + 6,
      [],
    ),
  ];
}
