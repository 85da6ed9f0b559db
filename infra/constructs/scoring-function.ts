/**
 * The scoring function and everything only it uses: its role (inline least-privilege policies), its log group
 * (created here so it has a retention), the container-image Lambda with one published version per change and the
 * alias `live`, the encrypted SQS queue that receives on-failure records, and the hardened Kinesis event source
 * mapping, which invokes the alias (never `$LATEST`):
 * - `ReportBatchItemFailures`: a transient failure retries from the failed record, not the whole batch;
 * - bisect on error, finite retries and a maximum record age: a poison batch cannot block its shard for the whole
 *   retention period (AWS's defaults are infinite retries and a 7-day record age);
 * - an on-failure destination, so a batch that is given up on is recorded (shard, sequence range), never lost.
 */
import { Construct } from 'constructs';
import { executionRole } from './execution-role';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { modelPrefix } from '../../model/src/contract';
import type { InfraConfig } from '../config/schema';
import { LIVE_ALIAS, type ResourceNames } from '../naming';
import type { ModelBucket } from './model-bucket';
import { QUARANTINE_PREFIX } from './model-bucket';
import { scoringFunctionPolicies } from './scoring-function-policy';

/**
 * What Terraform leaves alone after creating it, because the lifecycle commands own it (docs/model-lifecycle.md):
 * `$LATEST`'s `RUN_ID` (`npm run model:promote` sets it before publishing a version) and the alias's version
 * (`model:promote`, `model:rollback` and `npm run deploy`'s roll-forward move it). So an apply never undoes a promote
 * or a rollback; it publishes a new version for a code or configuration change, carrying the live `RUN_ID`.
 */
export const LIFECYCLE_OWNED = {
  function: ['environment[0].variables["RUN_ID"]'],
  alias: ['function_version'],
} as const;

/** Lambda allocates one vCPU per 1,769 MB of memory (up to 6 at 10,240 MB). */
const MB_PER_VCPU = 1769;

/** Longest retention SQS allows: the failure records outlive any investigation delay. */
const FAILURE_RETENTION_SECONDS = 14 * 24 * 3600;

/** Options of {@link ScoringFunction}. */
export interface ScoringFunctionOptions {
  readonly names: Pick<ResourceNames, 'function' | 'role' | 'logGroup' | 'deadLetterQueue'>;
  /** Digest-pinned image URI. */
  readonly imageUri: string;
  readonly inputStream: KinesisStream;
  readonly outputStream: KinesisStream;
  readonly modelBucket: Pick<ModelBucket, 'bucketName' | 'bucketArn'>;
  readonly model: Pick<InfraConfig['model'], 'experimentId' | 'runId'>;
  readonly function: InfraConfig['function'];
  readonly eventSource: InfraConfig['eventSource'];
}

/** Role, log group, function, on-failure queue and event source mapping of the scorer. */
export class ScoringFunction extends Construct {
  public readonly role: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly function: LambdaFunction;
  /** `live`: the version the event source mapping invokes. */
  public readonly alias: LambdaAlias;
  /** Receives one record per batch the event source mapping gives up on. */
  public readonly deadLetterQueue: SqsQueue;
  public readonly eventSourceMapping: LambdaEventSourceMapping;
  /** The environment the function runs with (docs/contract.md §5, plus the ONNX thread count for its vCPUs). */
  public readonly environment: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, options: ScoringFunctionOptions) {
    super(scope, id);
    const { names, model } = options;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.logGroup,
      retentionInDays: options.function.logRetentionDays,
    });
    this.deadLetterQueue = new SqsQueue(this, 'failures', {
      name: names.deadLetterQueue,
      // SSE-SQS: encrypted at rest with no KMS key policy or kms:* permission for the event source mapping.
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: FAILURE_RETENTION_SECONDS,
    });
    const execution = executionRole(this, {
      name: names.role,
      functionName: names.function,
      policies: scoringFunctionPolicies({
        inputStreamArn: options.inputStream.arn,
        outputStreamArn: options.outputStream.arn,
        bucketArn: options.modelBucket.bucketArn,
        modelFolders: modelPrefix(model.experimentId, '*'),
        quarantinePrefix: QUARANTINE_PREFIX,
        deadLetterQueueArn: this.deadLetterQueue.arn,
        logGroupArn: this.logGroup.arn,
      }),
    });
    this.role = execution.role;
    const { policies } = execution;

    this.environment = {
      PREDICTIONS_STREAM_NAME: options.outputStream.name,
      MODEL_BUCKET: options.modelBucket.bucketName,
      EXPERIMENT_ID: model.experimentId,
      RUN_ID: model.runId,
      QUARANTINE_LOCATION: `s3://${options.modelBucket.bucketName}/${QUARANTINE_PREFIX.replace(/\/$/, '')}`,
      POWERTOOLS_SERVICE_NAME: options.function.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: options.function.metricsNamespace,
      POWERTOOLS_LOG_LEVEL: options.function.logLevel,
      // onnxruntime would size its pool from the host's cores, not the vCPUs this memory size actually gets.
      ONNX_INTRA_OP_NUM_THREADS: String(Math.max(1, Math.floor(options.function.memoryMb / MB_PER_VCPU))),
    };
    const reserved = options.function.reservedConcurrency;
    this.function = new LambdaFunction(this, 'function', {
      functionName: names.function,
      // Run-agnostic: the run is each version's RUN_ID (and its description), and the alias says which one serves.
      description: `Scores wine-quality records; the alias ${LIVE_ALIAS} names the serving version and model run`,
      packageType: 'Image',
      // A new immutable version for every change that matters (code, configuration): the alias moves between them.
      publish: true,
      imageUri: options.imageUri,
      architectures: [options.function.architecture],
      role: this.role.arn,
      memorySize: options.function.memoryMb,
      timeout: options.function.timeoutSeconds,
      ...(reserved === null ? {} : { reservedConcurrentExecutions: reserved }),
      environment: { variables: this.environment },
      // The log group must exist first, or Lambda creates one without a retention; the policies must exist before
      // the first invocation can write logs.
      dependsOn: [this.logGroup, ...policies],
      // model.runId seeds RUN_ID at creation only; from then on the lifecycle commands own it.
      lifecycle: { ignoreChanges: [...LIFECYCLE_OWNED.function] },
    });
    this.alias = new LambdaAlias(this, 'live', {
      name: LIVE_ALIAS,
      description: 'The version the input stream invokes; moved by npm run model:promote / model:rollback',
      functionName: this.function.functionName,
      // The first published version; after that the lifecycle commands move the alias and Terraform leaves it.
      functionVersion: this.function.version,
      lifecycle: { ignoreChanges: [...LIFECYCLE_OWNED.alias] },
    });

    const { eventSource } = options;
    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'trigger', {
      eventSourceArn: options.inputStream.arn,
      // The alias ARN: a mapping that names the unqualified function invokes $LATEST, whatever the alias says.
      functionName: this.alias.arn,
      startingPosition: 'TRIM_HORIZON',
      batchSize: eventSource.batchSize,
      maximumBatchingWindowInSeconds: eventSource.maximumBatchingWindowSeconds,
      parallelizationFactor: eventSource.parallelizationFactor,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: eventSource.maximumRetryAttempts,
      maximumRecordAgeInSeconds: eventSource.maximumRecordAgeSeconds,
      destinationConfig: { onFailure: { destinationArn: this.deadLetterQueue.arn } },
      // Creating the mapping checks that the role can read the stream and send to the queue.
      dependsOn: policies,
    });
  }
}
