/**
 * Batch inference on AWS (docs/batch-inference.md): the second function from the scoring image, its S3 trigger and
 * its alarms, as synthesized. Its IAM is audited in leastPrivilege.test.ts; the plan in terraformOffline.test.ts.
 */
import { BATCH_PREFIXES } from '../../functions/contract/batch';
import { BatchMetricName } from '../../functions/contract/metrics';
import { loadInfraConfig } from '../../infra/config/load';
import { ENVIRONMENTS } from '../../infra/config/schema';
import { CONFIG_DIR, RUNS_FILE } from '../../infra/paths';
import {
  RUN_ID,
  onlyResource,
  ref,
  resourceWhere,
  resourcesOf,
  synthStack,
  withBatch,
} from './support/stackFixtures';

type LambdaBody = {
  image_uri: string;
  image_config?: { command: string[] };
  memory_size: number;
  timeout: number;
  environment: { variables: Record<string, string> };
  role: string;
};

describe('batch inference function', () => {
  const synthesized = synthStack(withBatch);
  const { tf } = synthesized;
  const batch = resourceWhere(tf, 'aws_lambda_function', 'function_name', 'wq-test-batch');
  const body = batch.body as unknown as LambdaBody;
  const scorer = resourceWhere(tf, 'aws_lambda_function', 'function_name', 'wq-test-scorer')
    .body as unknown as LambdaBody;
  const bucket = onlyResource(tf, 'aws_s3_bucket');

  it('runs the scoring image with the batch handler command', () => {
    // Prepare / Act / Assess
    expect(body.image_uri).toBe(scorer.image_uri);
    expect(body.image_config).toEqual({ command: ['batch.handler'] });
    expect(scorer.image_config).toBeUndefined();
  });

  it('is sized and configured from the batch section: memory, timeout, object limit, rows per session.run, run', () => {
    // Prepare / Act
    const variables = body.environment.variables;

    // Assess
    expect(body.memory_size).toBe(3538);
    expect(body.timeout).toBe(600);
    expect(variables).toMatchObject({
      BATCH_MAX_OBJECT_BYTES: String(64 * 1024 * 1024),
      BATCH_SIZE: '2000',
      RUN_ID,
      EXPERIMENT_ID: '7',
      MODEL_BUCKET: ref('aws_s3_bucket', bucket.id, 'bucket'),
      ONNX_INTRA_OP_NUM_THREADS: '2',
      POWERTOOLS_SERVICE_NAME: 'scorer-under-test-batch',
    });
    expect(body.role).toBe(
      ref('aws_iam_role', resourceWhere(tf, 'aws_iam_role', 'name', 'wq-test-batch').id, 'arn'),
    );
  });

  it('is invoked by S3 for objects created under the input prefix only, after S3 may invoke it', () => {
    // Prepare
    const permission = onlyResource(tf, 'aws_lambda_permission');
    const notification = onlyResource(tf, 'aws_s3_bucket_notification').body;

    // Act / Assess
    expect(permission.body).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 's3.amazonaws.com',
      function_name: ref('aws_lambda_function', batch.id, 'function_name'),
      source_arn: ref('aws_s3_bucket', bucket.id, 'arn'),
    });
    expect(notification).toMatchObject({
      bucket: ref('aws_s3_bucket', bucket.id, 'bucket'),
      lambda_function: [
        {
          events: ['s3:ObjectCreated:*'],
          filter_prefix: BATCH_PREFIXES.input,
          lambda_function_arn: ref('aws_lambda_function', batch.id, 'arn'),
        },
      ],
      depends_on: [`aws_lambda_permission.${permission.id}`],
    });
    // Outputs are written outside the filter, so the function cannot trigger itself.
    expect(BATCH_PREFIXES.output.startsWith(BATCH_PREFIXES.input)).toBe(false);
    expect(BATCH_PREFIXES.rejects.startsWith(BATCH_PREFIXES.input)).toBe(false);
  });

  it('alarms on the existing topic for failed invocations and refused files, and has a dashboard row', () => {
    // Prepare
    const topic = ref('aws_sns_topic', onlyResource(tf, 'aws_sns_topic').id, 'arn');
    const alarms = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')) as {
      alarm_name: string;
      metric_name: string;
      namespace: string;
      dimensions: Record<string, string>;
      alarm_actions: string[];
    }[];
    const dashboard = onlyResource(tf, 'aws_cloudwatch_dashboard').body.dashboard_body as string;

    // Act
    const errors = alarms.find((a) => a.alarm_name === 'wq-test-scorer-batch-errors');
    const refused = alarms.find((a) => a.alarm_name === 'wq-test-scorer-batch-refused-files');

    // Assess
    expect(errors).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: 'wq-test-batch' },
      alarm_actions: [topic],
    });
    expect(refused).toMatchObject({
      namespace: 'WineQualityTest',
      metric_name: BatchMetricName.filesRefused,
      dimensions: { service: 'scorer-under-test-batch' },
      alarm_actions: [topic],
    });
    expect(dashboard).toContain('Batch inference: files and rows');
    expect(dashboard).toContain(BatchMetricName.rowsPredicted);
  });

  it('watches another existing bucket when batch.bucket names one, reading the model from the model bucket', () => {
    // Prepare / Act
    const other = synthStack((c) => {
      withBatch(c);
      c.batch = { ...c.batch!, enabled: true, bucket: 'team-batch-files' };
    }).tf;

    // Assess
    expect(other.data?.aws_s3_bucket?.['batch-bucket']).toEqual({ bucket: 'team-batch-files' });
    expect(onlyResource(other, 'aws_s3_bucket_notification').body.bucket).toBe(
      ref('data.aws_s3_bucket', 'batch-bucket', 'bucket'),
    );
    const fn = resourceWhere(other, 'aws_lambda_function', 'function_name', 'wq-test-batch')
      .body as unknown as LambdaBody;
    expect(fn.environment.variables.MODEL_BUCKET).toBe(
      ref('aws_s3_bucket', onlyResource(other, 'aws_s3_bucket').id, 'bucket'),
    );
  });

  it('creates nothing for batch inference when it is disabled', () => {
    // Prepare / Act
    const off = synthStack().tf;

    // Assess
    expect(Object.keys(resourcesOf(off, 'aws_lambda_function'))).toHaveLength(1);
    expect(resourcesOf(off, 'aws_lambda_permission')).toEqual({});
    expect(resourcesOf(off, 'aws_s3_bucket_notification')).toEqual({});
    expect(off.output).not.toHaveProperty('batch_function_name');
  });

  it.each(ENVIRONMENTS)('is enabled in %s.json', (environment) => {
    // Prepare / Act
    const config = loadInfraConfig(environment, { configDir: CONFIG_DIR, runsFile: RUNS_FILE });

    // Assess
    expect(config.batch.enabled).toBe(true);
    expect(config.batch.timeoutSeconds).toBeLessThanOrEqual(900);
  });
});
