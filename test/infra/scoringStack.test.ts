import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsEcrImage } from '@cdktf/provider-aws/lib/data-aws-ecr-image';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import {
  DriftMetricName,
  FEATURE_DIMENSION,
  MetricName,
  SERVICE_DIMENSION,
} from '../../functions/contract/metrics';
import { imageTagFor } from '../../infra/image/tags';
import {
  CONTENT_HASH,
  PINNED_IMAGE,
  RUN_ID,
  onlyResource,
  ref,
  resourcesOf,
  synthStack,
  type SynthesizedStack,
} from './support/stackFixtures';

describe('scoring stack', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    synthesized = synthStack();
  });

  describe('streams', () => {
    it('encrypts both streams with the AWS-managed Kinesis key and keeps the configured retention', () => {
      // Prepare / Act
      const { json } = synthesized;

      // Assess
      expect(json).toHaveResourceWithProperties(KinesisStream, {
        name: 'wq-test-input',
        encryption_type: 'KMS',
        kms_key_id: 'alias/aws/kinesis',
        retention_period: 48,
        shard_count: 2,
        stream_mode_details: { stream_mode: 'PROVISIONED' },
      });
      expect(json).toHaveResourceWithProperties(KinesisStream, {
        name: 'wq-test-predictions',
        encryption_type: 'KMS',
        kms_key_id: 'alias/aws/kinesis',
        retention_period: 24,
        stream_mode_details: { stream_mode: 'ON_DEMAND' },
      });
    });

    it('sets no shard count on an on-demand stream', () => {
      // Prepare / Act
      const streams = Object.values(resourcesOf(synthesized.tf, 'aws_kinesis_stream'));

      // Assess
      const output = streams.find((s) => s.name === 'wq-test-predictions');
      expect(output).toBeDefined();
      expect(output).not.toHaveProperty('shard_count');
    });

    it('uses explicit stream names from the configuration', () => {
      // Prepare / Act
      const { json } = synthStack((c) => {
        c.streams.input.name = 'ride_events';
      });

      // Assess
      expect(json).toHaveResourceWithProperties(KinesisStream, { name: 'ride_events' });
    });
  });

  describe('model bucket', () => {
    it('creates a versioned, SSE-S3 encrypted bucket with public access blocked and ACLs disabled', () => {
      // Prepare / Act
      const { json, tf } = synthesized;
      const bucket = onlyResource(tf, 'aws_s3_bucket');

      // Assess
      expect(json).toHaveResourceWithProperties(S3Bucket, {
        bucket_prefix: 'wq-test-models-',
        force_destroy: false,
      });
      const bucketId = ref('aws_s3_bucket', bucket.id, 'id');
      expect(json).toHaveResourceWithProperties(S3BucketVersioningA, {
        bucket: bucketId,
        versioning_configuration: { status: 'Enabled' },
      });
      expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
        bucket: bucketId,
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
      });
      expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
        bucket: bucketId,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(onlyResource(tf, 'aws_s3_bucket_ownership_controls').body.rule).toEqual({
        object_ownership: 'BucketOwnerEnforced',
      });
    });

    it('denies every request to the bucket that does not use TLS', () => {
      // Prepare
      const bucket = onlyResource(synthesized.tf, 'aws_s3_bucket');
      const arn = ref('aws_s3_bucket', bucket.id, 'arn');

      // Act
      const policy = JSON.parse(
        onlyResource(synthesized.tf, 'aws_s3_bucket_policy').body.policy as string,
      ) as {
        Statement: Record<string, unknown>[];
      };

      // Assess
      expect(policy.Statement).toEqual([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:*'],
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    });

    it('expires quarantined records after the configured number of days', () => {
      // Prepare / Act
      const lifecycle = onlyResource(synthesized.tf, 'aws_s3_bucket_lifecycle_configuration').body;

      // Assess
      expect(lifecycle.rule).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            status: 'Enabled',
            filter: [{ prefix: 'quarantine/' }],
            expiration: [{ days: 21 }],
          }),
        ]),
      );
    });

    it('looks up an existing bucket instead of creating one', () => {
      // Prepare / Act
      const { json, tf } = synthStack((c) => {
        c.model.bucket = { mode: 'existing', name: 'team-models' };
      });

      // Assess
      expect(json).toHaveDataSourceWithProperties(DataAwsS3Bucket, { bucket: 'team-models' });
      expect(resourcesOf(tf, 'aws_s3_bucket')).toEqual({});
      expect(resourcesOf(tf, 'aws_s3_bucket_policy')).toEqual({});
    });
  });

  describe('image', () => {
    it('creates an ECR repository with immutable tags, scan on push, encryption and a lifecycle policy', () => {
      // Prepare / Act
      const { json, tf } = synthesized;
      const lifecycle = JSON.parse(onlyResource(tf, 'aws_ecr_lifecycle_policy').body.policy as string) as {
        rules: { selection: Record<string, unknown> }[];
      };

      // Assess
      expect(json).toHaveResourceWithProperties(EcrRepository, {
        name: 'wq-test-scorer',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'AES256' }],
      });
      expect(lifecycle.rules.map((r) => r.selection)).toEqual([
        { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
        { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 12 },
      ]);
    });

    it('rebuilds when the content hash changes, through a terraform_data local-exec running the push script', () => {
      // Prepare
      const repository = onlyResource(synthesized.tf, 'aws_ecr_repository');
      const repositoryUrl = ref('aws_ecr_repository', repository.id, 'repository_url');

      // Act
      const build = onlyResource(synthesized.tf, 'terraform_data').body;

      // Assess
      expect(build.triggers_replace).toEqual({
        content_hash: CONTENT_HASH,
        platform: 'linux/amd64',
        repository_url: repositoryUrl,
      });
      const [provisioner] = build.provisioner as { 'local-exec': { command: string; working_dir: string } }[];
      expect(provisioner?.['local-exec'].working_dir).toBe('../../../..');
      expect(provisioner?.['local-exec'].command).toBe(
        `npx tsx infra/image/build-and-push.ts --repository-url ${repositoryUrl} ` +
          `--content-hash ${CONTENT_HASH} --context . --file Dockerfile --platform linux/amd64`,
      );
    });

    it('builds for arm64, under its own tag, when the function runs on arm64', () => {
      // Prepare / Act
      const { json, tf } = synthStack((c) => {
        c.function.architecture = 'arm64';
      });

      // Assess
      const build = onlyResource(tf, 'terraform_data').body;
      const [provisioner] = build.provisioner as { 'local-exec': { command: string } }[];
      expect(provisioner?.['local-exec'].command).toContain('--platform linux/arm64');
      expect(build.triggers_replace).toMatchObject({ platform: 'linux/arm64' });
      expect(json).toHaveDataSourceWithProperties(DataAwsEcrImage, {
        image_tag: imageTagFor(CONTENT_HASH, 'linux/arm64'),
      });
      expect(json).toHaveResourceWithProperties(LambdaFunction, { architectures: ['arm64'] });
    });

    it('pins the function image by the digest ECR reports for the content-hash tag, read after the build', () => {
      // Prepare
      const { json, tf } = synthesized;
      const repository = onlyResource(tf, 'aws_ecr_repository');
      const build = onlyResource(tf, 'terraform_data');
      const [imageId, image] = Object.entries(tf.data?.aws_ecr_image ?? {})[0]!;

      // Act
      const fn = onlyResource(tf, 'aws_lambda_function').body;

      // Assess
      expect(json).toHaveDataSourceWithProperties(DataAwsEcrImage, {
        image_tag: imageTagFor(CONTENT_HASH, 'linux/amd64'),
        repository_name: ref('aws_ecr_repository', repository.id, 'name'),
      });
      expect(image.depends_on).toEqual([`terraform_data.${build.id}`]);
      expect(fn.image_uri).toBe(
        `${ref('aws_ecr_repository', repository.id, 'repository_url')}@` +
          ref('data.aws_ecr_image', imageId, 'image_digest'),
      );
    });

    it('runs a CI-built image as given and builds nothing when image.uri is set', () => {
      // Prepare / Act
      const { json, tf } = synthStack((c) => {
        c.image = { uri: PINNED_IMAGE };
      }, undefined);

      // Assess
      expect(json).toHaveResourceWithProperties(LambdaFunction, { image_uri: PINNED_IMAGE });
      expect(resourcesOf(tf, 'terraform_data')).toEqual({});
      expect(tf.data?.aws_ecr_image).toBeUndefined();
      expect(json).toHaveResource(EcrRepository);
    });
  });

  describe('function', () => {
    it('runs the image with the configured memory, timeout and reserved concurrency', () => {
      // Prepare / Act
      const { json } = synthesized;

      // Assess
      expect(json).toHaveResourceWithProperties(LambdaFunction, {
        function_name: 'wq-test-scorer',
        package_type: 'Image',
        memory_size: 1536,
        timeout: 45,
        reserved_concurrent_executions: 8,
        architectures: ['x86_64'],
      });
    });

    it('leaves concurrency unreserved when the configuration says null', () => {
      // Prepare / Act
      const { tf } = synthStack((c) => {
        c.function.reservedConcurrency = null;
      });

      // Assess
      expect(onlyResource(tf, 'aws_lambda_function').body).not.toHaveProperty(
        'reserved_concurrent_executions',
      );
    });

    it('passes the environment of docs/contract.md §5', () => {
      // Prepare
      const { tf } = synthesized;
      const bucket = ref('aws_s3_bucket', onlyResource(tf, 'aws_s3_bucket').id, 'bucket');
      const outputStream = Object.entries(resourcesOf(tf, 'aws_kinesis_stream')).find(
        ([, s]) => s.name === 'wq-test-predictions',
      )!;

      // Act
      const fn = onlyResource(tf, 'aws_lambda_function').body;

      // Assess
      expect((fn.environment as { variables: unknown }).variables).toEqual({
        PREDICTIONS_STREAM_NAME: ref('aws_kinesis_stream', outputStream[0], 'name'),
        MODEL_BUCKET: bucket,
        EXPERIMENT_ID: '7',
        RUN_ID,
        QUARANTINE_LOCATION: `s3://${bucket}/quarantine`,
        POWERTOOLS_SERVICE_NAME: 'scorer-under-test',
        POWERTOOLS_METRICS_NAMESPACE: 'WineQualityTest',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ONNX_INTRA_OP_NUM_THREADS: '1',
      });
    });

    it.each([
      [1024, '1'],
      [3538, '2'],
      [10240, '5'],
    ])('gives onnxruntime one thread per vCPU Lambda allocates to %i MB', (memoryMb, threads) => {
      // Prepare / Act
      const { tf } = synthStack((c) => {
        c.function.memoryMb = memoryMb;
      });

      // Assess
      const fn = onlyResource(tf, 'aws_lambda_function').body as {
        environment: { variables: Record<string, string> };
      };
      expect(fn.environment.variables.ONNX_INTRA_OP_NUM_THREADS).toBe(threads);
    });

    it('creates its log group with a retention before the function exists', () => {
      // Prepare
      const { json, tf } = synthesized;
      const logGroup = onlyResource(tf, 'aws_cloudwatch_log_group');

      // Act
      const fn = onlyResource(tf, 'aws_lambda_function').body;

      // Assess
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: '/aws/lambda/wq-test-scorer',
        retention_in_days: 30,
      });
      expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroup.id}`);
    });
  });

  describe('event source mapping', () => {
    it('reads the input stream from TRIM_HORIZON with the configured batching and parallelization', () => {
      // Prepare
      const { json, tf } = synthesized;
      const input = Object.entries(resourcesOf(tf, 'aws_kinesis_stream')).find(
        ([, s]) => s.name === 'wq-test-input',
      )!;
      const alias = onlyResource(tf, 'aws_lambda_alias');

      // Act / Assess
      expect(json).toHaveResourceWithProperties(LambdaEventSourceMapping, {
        event_source_arn: ref('aws_kinesis_stream', input[0], 'arn'),
        function_name: ref('aws_lambda_alias', alias.id, 'arn'),
        starting_position: 'TRIM_HORIZON',
        batch_size: 250,
        maximum_batching_window_in_seconds: 2,
        parallelization_factor: 3,
      });
    });

    it('reports batch item failures, bisects failing batches and gives up after finite retries and record age', () => {
      // Prepare / Act
      const { json } = synthesized;

      // Assess
      expect(json).toHaveResourceWithProperties(LambdaEventSourceMapping, {
        function_response_types: ['ReportBatchItemFailures'],
        bisect_batch_on_function_error: true,
        maximum_retry_attempts: 4,
        maximum_record_age_in_seconds: 7200,
      });
    });

    it('sends records of abandoned batches to an SQS queue encrypted at rest', () => {
      // Prepare
      const { json, tf } = synthesized;
      const queue = onlyResource(tf, 'aws_sqs_queue');

      // Act
      const mapping = onlyResource(tf, 'aws_lambda_event_source_mapping').body;

      // Assess
      expect(json).toHaveResourceWithProperties(SqsQueue, {
        name: 'wq-test-scorer-failures',
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1209600,
      });
      expect(mapping.destination_config).toEqual({
        on_failure: { destination_arn: ref('aws_sqs_queue', queue.id, 'arn') },
      });
    });
  });

  describe('versions and the live alias', () => {
    it('publishes a version on every change and leaves RUN_ID to the lifecycle commands after creation', () => {
      // Prepare / Act
      const fn = onlyResource(synthesized.tf, 'aws_lambda_function').body;

      // Assess
      expect(fn.publish).toBe(true);
      expect(fn.lifecycle).toEqual({ ignore_changes: ['environment[0].variables["RUN_ID"]'] });
      expect(String(fn.description)).not.toContain(RUN_ID);
    });

    it('creates alias live on the first published version and leaves its version to the lifecycle commands', () => {
      // Prepare
      const fn = onlyResource(synthesized.tf, 'aws_lambda_function');

      // Act
      const alias = onlyResource(synthesized.tf, 'aws_lambda_alias').body;

      // Assess
      expect(alias).toMatchObject({
        name: 'live',
        function_name: ref('aws_lambda_function', fn.id, 'function_name'),
        function_version: ref('aws_lambda_function', fn.id, 'version'),
        lifecycle: { ignore_changes: ['function_version'] },
      });
    });

    it('graphs invocations by executed version of the alias on the dashboard', () => {
      // Prepare / Act
      const body = onlyResource(synthesized.tf, 'aws_cloudwatch_dashboard').body.dashboard_body as string;

      // Assess
      expect(body).toContain(
        'SEARCH(\'{AWS/Lambda,FunctionName,Resource,ExecutedVersion} MetricName=\\"Invocations\\" FunctionName=\\"wq-test-scorer\\"\', \'Sum\', 60)',
      );
    });

    it('exports the alias ARN and the lifecycle operator policy ARN', () => {
      // Prepare
      const alias = onlyResource(synthesized.tf, 'aws_lambda_alias');
      const policy = onlyResource(synthesized.tf, 'aws_iam_policy');

      // Act
      const { output } = synthesized.tf;

      // Assess
      expect(output.live_alias_arn?.value).toBe(ref('aws_lambda_alias', alias.id, 'arn'));
      expect(output.lifecycle_operator_policy_arn?.value).toBe(ref('aws_iam_policy', policy.id, 'arn'));
    });
  });

  describe('alarms and dashboard', () => {
    /** Lambda's metrics of invocations through the alias the mapping invokes. */
    const LIVE = { FunctionName: 'wq-test-scorer', Resource: 'wq-test-scorer:live' };
    const expectedAlarms: [string, string, string, Record<string, string>, string, number][] = [
      ['iterator-age', 'AWS/Lambda', 'IteratorAge', LIVE, 'Maximum', 30000],
      ['errors', 'AWS/Lambda', 'Errors', LIVE, 'Sum', 0],
      ['throttles', 'AWS/Lambda', 'Throttles', LIVE, 'Sum', 0],
      [
        'failed-batches',
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { QueueName: 'wq-test-scorer-failures' },
        'Maximum',
        0,
      ],
      [
        'predictions-throttled',
        'AWS/Kinesis',
        'WriteProvisionedThroughputExceeded',
        { StreamName: 'wq-test-predictions' },
        'Sum',
        0,
      ],
      [
        'rejected-records',
        'WineQualityTest',
        MetricName.recordsRejected,
        { [SERVICE_DIMENSION]: 'scorer-under-test' },
        'Sum',
        25,
      ],
      ...(
        [
          ['alcohol', 0.2],
          ['volatile acidity', 0.25],
          ['sulphates', 0.3],
        ] as const
      ).map(([feature, threshold]): (typeof expectedAlarms)[number] => [
        `drift-${feature.replace(' ', '-')}`,
        'WineQualityTest',
        DriftMetricName.featurePsiWindow,
        { [SERVICE_DIMENSION]: 'scorer-under-test', [FEATURE_DIMENSION]: feature },
        'Average',
        threshold,
      ]),
      [
        'drift-predictions',
        'WineQualityTest',
        DriftMetricName.predictionPsiWindow,
        { [SERVICE_DIMENSION]: 'scorer-under-test' },
        'Average',
        0.35,
      ],
    ];

    it.each(expectedAlarms)(
      'raises the %s alarm on %s %s to the alarm topic',
      (name, namespace, metricName, dimensions, statistic, threshold) => {
        // Prepare
        const topic = onlyResource(synthesized.tf, 'aws_sns_topic');
        const topicArn = ref('aws_sns_topic', topic.id, 'arn');

        // Act / Assess
        expect(synthesized.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
          alarm_name: `wq-test-scorer-${name}`,
          namespace,
          metric_name: metricName,
          dimensions,
          statistic,
          threshold,
          comparison_operator: 'GreaterThanThreshold',
          alarm_actions: [topicArn],
          ok_actions: [topicArn],
        });
      },
    );

    it('has exactly the listed alarms', () => {
      // Prepare / Act
      const names = Object.values(resourcesOf(synthesized.tf, 'aws_cloudwatch_metric_alarm')).map(
        (a) => a.alarm_name,
      );

      // Assess
      expect(names.sort()).toEqual(expectedAlarms.map(([name]) => `wq-test-scorer-${name}`).sort());
    });

    it('subscribes the alert e-mail only when one is configured', () => {
      // Prepare / Act
      const withoutEmail = synthStack((c) => {
        delete c.alarms.email;
      });

      // Assess
      expect(synthesized.json).toHaveResourceWithProperties(SnsTopicSubscription, {
        protocol: 'email',
        endpoint: 'oncall@example.com',
      });
      expect(resourcesOf(withoutEmail.tf, 'aws_sns_topic_subscription')).toEqual({});
    });

    it('graphs every alarmed metric on the dashboard', () => {
      // Prepare
      const body = onlyResource(synthesized.tf, 'aws_cloudwatch_dashboard').body.dashboard_body as string;

      // Act
      const widgets = (JSON.parse(body) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
      const graphed = widgets
        .flatMap((w) => w.properties.metrics ?? [])
        .map((m) => `${String(m[0])}/${String(m[1])}`);

      // Assess
      for (const [, namespace, metricName] of expectedAlarms)
        expect(graphed).toContain(`${namespace}/${metricName}`);
    });
  });

  describe('stack settings', () => {
    it('exports stream names and ARNs, function name, repository URL and dashboard URL', () => {
      // Prepare / Act
      const outputs = Object.keys(synthesized.tf.output);

      // Assess
      expect(outputs).toEqual(
        expect.arrayContaining([
          'input_stream_name',
          'input_stream_arn',
          'output_stream_name',
          'output_stream_arn',
          'function_name',
          'ecr_repository_url',
          'dashboard_url',
        ]),
      );
      expect(synthesized.tf.output.dashboard_url?.value).toBe(
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/wq-test',
      );
    });

    it('configures the provider region and tags every resource', () => {
      // Prepare / Act
      const { json } = synthesized;

      // Assess
      expect(json).toHaveProviderWithProperties(AwsProvider, {
        region: 'eu-west-1',
        default_tags: [
          {
            tags: { Project: 'wine-quality-streaming', Environment: 'stage', ManagedBy: 'cdktf', Team: 'ml' },
          },
        ],
      });
    });

    it('keeps local state at a relative path', () => {
      // Prepare / Act
      const backend = synthesized.tf.terraform.backend;

      // Assess
      expect(backend).toEqual({ local: { path: '../../../state/stage.tfstate' } });
    });

    it('uses an encrypted S3 backend with S3-native locking when configured', () => {
      // Prepare / Act
      const { tf } = synthStack((c) => {
        c.backend = {
          type: 's3',
          bucket: 'team-tf-state',
          key: 'wine/stage.tfstate',
          region: 'eu-central-1',
        };
      });

      // Assess
      expect(tf.terraform.backend).toEqual({
        s3: {
          bucket: 'team-tf-state',
          key: 'wine/stage.tfstate',
          region: 'eu-central-1',
          encrypt: true,
          use_lockfile: true,
        },
      });
    });
  });
});
