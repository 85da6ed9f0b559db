/**
 * Alarms, their SNS topic (with an optional e-mail subscription) and a CloudWatch dashboard for the pipeline:
 * - IteratorAge (Maximum): the function falls behind the input stream;
 * - Errors and Throttles of the function;
 * - visible messages on the on-failure queue: a batch was given up on;
 * - WriteProvisionedThroughputExceeded on the output stream: predictions are being throttled;
 * - the function's own EMF metric of rejected (quarantined) records: producers send bad data.
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

/**
 * The function's EMF metric this stack alarms on: a count of rejected records per invocation, in namespace
 * `POWERTOOLS_METRICS_NAMESPACE`, with the single dimension `service` = `POWERTOOLS_SERVICE_NAME` (Powertools'
 * default dimension). Per-reason breakdowns may carry more dimensions; this total must not.
 */
export const REJECTED_RECORDS_METRIC = 'RecordsRejected';
/** Companion EMF metric shown on the dashboard: predictions written. */
export const PREDICTED_RECORDS_METRIC = 'RecordsPredicted';
/** Companion EMF metric shown on the dashboard: records reported in `batchItemFailures` (retried by Lambda). */
export const FAILED_RECORDS_METRIC = 'RecordsFailed';

/** Options of {@link Monitoring}. */
export interface MonitoringOptions {
  readonly region: string;
  readonly topicName: string;
  readonly dashboardName: string;
  readonly functionName: string;
  readonly inputStreamName: string;
  readonly outputStreamName: string;
  readonly deadLetterQueueName: string;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly iteratorAgeMs: number;
  readonly rejectedRecordsPer5Minutes: number;
  /** Subscribed to the topic when set (AWS sends a confirmation e-mail first). */
  readonly alertEmail?: string | undefined;
}

interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: 'Maximum' | 'Sum';
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

function alarmSpecs(options: MonitoringOptions): AlarmSpec[] {
  const fn = { FunctionName: options.functionName };
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
      id: 'errors',
      description: 'The scorer failed whole invocations (model load, configuration or unexpected errors).',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: fn,
      statistic: 'Sum',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
    },
    {
      id: 'throttles',
      description: 'Invocations of the scorer were throttled (reserved or account concurrency).',
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: fn,
      statistic: 'Sum',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
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
      id: 'predictions-throttled',
      description: 'Writes to the predictions stream exceeded its provisioned throughput.',
      namespace: 'AWS/Kinesis',
      metricName: 'WriteProvisionedThroughputExceeded',
      dimensions: { StreamName: options.outputStreamName },
      statistic: 'Sum',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
    },
    {
      id: 'rejected-records',
      description: `More than ${options.rejectedRecordsPer5Minutes} records were rejected (quarantined) in 5 minutes.`,
      namespace: options.metricsNamespace,
      metricName: REJECTED_RECORDS_METRIC,
      dimensions: { service: options.serviceName },
      statistic: 'Sum',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: options.rejectedRecordsPer5Minutes,
    },
  ];
}

type MetricLine = (string | { stat?: string; label?: string })[];

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
  const fn = ['FunctionName', options.functionName];
  const service = ['service', options.serviceName];
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
          [options.metricsNamespace, PREDICTED_RECORDS_METRIC, ...service],
          [options.metricsNamespace, REJECTED_RECORDS_METRIC, ...service],
          [options.metricsNamespace, FAILED_RECORDS_METRIC, ...service],
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
    ],
  };
}
