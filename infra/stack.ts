/**
 * One environment's stack: the stream pair, the model bucket, the image, the scoring function with its trigger,
 * and monitoring — composed from one construct per concern and wired with resources, not strings.
 */
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { BackendConfig, InfraConfig } from './config/schema';
import { BatchFunction } from './constructs/batch-function';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { LifecycleOperator } from './constructs/lifecycle-operator';
import { Monitoring } from './constructs/monitoring';
import { ModelBucket } from './constructs/model-bucket';
import { ScoringFunction } from './constructs/scoring-function';
import { ScoringImage, type ImageBuildOptions } from './constructs/scoring-image';
import { Streams } from './constructs/streams';
import { InfraConfigError } from './errors';
import { LIVE_ALIAS, resourceNames } from './naming';

/** Options of {@link ScoringStack}. */
export interface ScoringStackOptions {
  readonly config: InfraConfig;
  /**
   * How Terraform builds the image; required unless the configuration names a CI-built `image.uri`. The platform
   * follows the configured function architecture.
   */
  readonly imageBuild?: Omit<ImageBuildOptions, 'platform'> | undefined;
  /** Local state file relative to the synthesized stack directory (used with the `local` backend). */
  readonly localStatePath: string;
}

/** The streaming-inference stack of one environment. */
export class ScoringStack extends TerraformStack {
  public readonly streams: Streams;
  public readonly modelBucket: ModelBucket;
  public readonly image: ScoringImage;
  public readonly scoring: ScoringFunction;
  public readonly monitoring: Monitoring;
  /** Batch inference (`batch.enabled`), else `undefined`. */
  public readonly batch: BatchFunction | undefined;
  public readonly lifecycleOperator: LifecycleOperator;

  /**
   * @throws {@link InfraConfigError} when neither an image build nor a CI-built image is given.
   */
  public constructor(scope: Construct, id: string, options: ScoringStackOptions) {
    super(scope, id);
    const { config } = options;
    const names = resourceNames(config.namePrefix, {
      input: config.streams.input.name,
      output: config.streams.output.name,
    });

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [
        {
          tags: {
            Project: 'wine-quality-streaming',
            Environment: config.environment,
            ManagedBy: 'cdktf',
            ...config.tags,
          },
        },
      ],
    });
    configureBackend(this, config.backend, options.localStatePath);

    this.streams = new Streams(this, 'streams', {
      inputName: names.inputStream,
      outputName: names.outputStream,
      input: config.streams.input,
      output: config.streams.output,
    });
    this.modelBucket = new ModelBucket(this, 'model-bucket', {
      config: config.model.bucket,
      bucketPrefix: names.modelBucketPrefix,
    });

    const imageCommon = {
      repositoryName: names.repository,
      keepImages: config.image.keepImages,
      forceDelete: config.image.forceDelete,
    };
    if (config.image.uri !== undefined) {
      this.image = new ScoringImage(this, 'image', { ...imageCommon, imageUri: config.image.uri });
    } else if (options.imageBuild !== undefined) {
      const platform = config.function.architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
      this.image = new ScoringImage(this, 'image', {
        ...imageCommon,
        build: { ...options.imageBuild, platform },
      });
    } else {
      throw new InfraConfigError([
        `${config.environment}: image.uri is not set and no image build was configured`,
      ]);
    }

    this.scoring = new ScoringFunction(this, 'scoring', {
      names,
      imageUri: this.image.imageUri,
      inputStream: this.streams.input,
      outputStream: this.streams.output,
      modelBucket: this.modelBucket,
      model: config.model,
      function: config.function,
      eventSource: config.eventSource,
    });

    this.batch = config.batch.enabled
      ? batchFunction(this, config, names, this.image.imageUri, this.modelBucket)
      : undefined;

    this.monitoring = new Monitoring(this, 'monitoring', {
      region: config.region,
      topicName: names.alarmTopic,
      dashboardName: names.dashboard,
      functionName: names.function,
      aliasName: LIVE_ALIAS,
      inputStreamName: names.inputStream,
      outputStreamName: names.outputStream,
      deadLetterQueueName: names.deadLetterQueue,
      metricsNamespace: config.function.metricsNamespace,
      serviceName: config.function.serviceName,
      iteratorAgeMs: config.alarms.iteratorAgeMs,
      rejectedRecordsPer5Minutes: config.alarms.rejectedRecordsPer5Minutes,
      drift: config.alarms.drift,
      alertEmail: config.alarms.email,
      ...(this.batch
        ? { batch: { functionName: names.batchFunction, serviceName: batchServiceName(config) } }
        : {}),
    });

    this.lifecycleOperator = new LifecycleOperator(this, 'lifecycle-operator', {
      policyName: names.lifecyclePolicy,
      function: this.scoring.function,
      alias: this.scoring.alias,
      modelBucket: this.modelBucket,
      experimentId: config.model.experimentId,
      inputStream: this.streams.input,
      outputStream: this.streams.output,
    });

    const outputs: Record<string, string> = {
      input_stream_name: this.streams.input.name,
      input_stream_arn: this.streams.input.arn,
      output_stream_name: this.streams.output.name,
      output_stream_arn: this.streams.output.arn,
      function_name: this.scoring.function.functionName,
      live_alias_arn: this.scoring.alias.arn,
      lifecycle_operator_policy_arn: this.lifecycleOperator.policy.arn,
      image_uri: this.image.imageUri,
      ecr_repository_url: this.image.repository.repositoryUrl,
      model_bucket: this.modelBucket.bucketName,
      // The run the function was created with; the serving run is the alias's: npm run model:list -- --env <env>.
      model_run_id: config.model.runId,
      failed_batches_queue_url: this.scoring.deadLetterQueue.url,
      alarm_topic_arn: this.monitoring.topic.arn,
      dashboard_url: this.monitoring.dashboardUrl,
      ...(this.batch
        ? {
            batch_function_name: this.batch.function.functionName,
            batch_input_location: this.batch.inputLocation,
          }
        : {}),
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}

/** The batch function's `service` dimension: the scorer's service name with a `-batch` suffix. */
function batchServiceName(config: InfraConfig): string {
  return `${config.function.serviceName}-batch`;
}

/** The batch function on the model bucket, or on `batch.bucket` (an existing bucket, looked up by name). */
function batchFunction(
  stack: TerraformStack,
  config: InfraConfig,
  names: ReturnType<typeof resourceNames>,
  imageUri: string,
  modelBucket: ModelBucket,
): BatchFunction {
  const watched =
    config.batch.bucket === undefined
      ? modelBucket
      : (() => {
          const existing = new DataAwsS3Bucket(stack, 'batch-bucket', { bucket: config.batch.bucket });
          return { bucketName: existing.bucket, bucketArn: existing.arn };
        })();
  return new BatchFunction(stack, 'batch', {
    names,
    imageUri,
    modelBucket,
    batchBucket: { bucketName: watched.bucketName, bucketArn: watched.bucketArn },
    model: config.model,
    batch: config.batch,
    function: config.function,
    serviceName: batchServiceName(config),
  });
}

function configureBackend(stack: TerraformStack, backend: BackendConfig, localStatePath: string): void {
  if (backend.type === 'local') {
    // A relative path: the default local backend would write this machine's absolute path into the stack.
    new LocalBackend(stack, { path: localStatePath });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
    ...(backend.dynamodbTable === undefined ? {} : { dynamodbTable: backend.dynamodbTable }),
  });
  // cdktf 0.21's S3BackendConfig predates S3-native locking (Terraform ≥ 1.10); set it on the raw block.
  if (backend.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
