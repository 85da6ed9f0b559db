/**
 * Batch inference on AWS: a second function from the scoring image (same URI and digest; the image command override
 * `batch.handler` selects `dist/batch.js`), invoked by S3 for every object created under `batch/input/`, with its own
 * role (least privilege: read the input prefix and the configured run's model, write the output and rejects
 * prefixes), log group, invoke permission for S3 and the bucket notification. A file larger than the configured
 * limit is refused by the handler (`BATCH_MAX_OBJECT_BYTES`) rather than timing out halfway.
 *
 * The notification is the bucket's whole notification configuration (S3 keeps one per bucket): with `batch.bucket`
 * naming an existing bucket, any notification it already has would be replaced — give it a bucket of its own.
 */
import { Construct } from 'constructs';
import { executionRole } from './execution-role';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { BATCH_PREFIXES } from '../../functions/contract/batch';
import { modelPrefix } from '../../model/src/contract';
import type { InfraConfig } from '../config/schema';
import type { ResourceNames } from '../naming';
import { batchFunctionPolicies } from './batch-function-policy';
import type { ModelBucket } from './model-bucket';

/** Lambda allocates one vCPU per 1,769 MB of memory. */
const MB_PER_VCPU = 1769;

/** The handler command in the image (`dist/batch.js`, export `handler`). */
export const BATCH_HANDLER_COMMAND = 'batch.handler';

/** Options of {@link BatchFunction}. */
export interface BatchFunctionOptions {
  readonly names: Pick<ResourceNames, 'batchFunction' | 'batchLogGroup'>;
  /** The scoring image's digest-pinned URI. */
  readonly imageUri: string;
  readonly modelBucket: Pick<ModelBucket, 'bucketName' | 'bucketArn'>;
  /** The bucket watched for `batch/input/` (the model bucket, or an existing one): its name (or id) and ARN. */
  readonly batchBucket: { readonly bucketName: string; readonly bucketArn: string };
  readonly model: Pick<InfraConfig['model'], 'experimentId' | 'runId'>;
  readonly batch: InfraConfig['batch'];
  readonly function: Pick<
    InfraConfig['function'],
    'architecture' | 'logRetentionDays' | 'logLevel' | 'metricsNamespace'
  >;
  /** `POWERTOOLS_SERVICE_NAME` of the batch function (its metrics' `service` dimension). */
  readonly serviceName: string;
}

/** Role, log group, function, S3 invoke permission and bucket notification of batch inference. */
export class BatchFunction extends Construct {
  public readonly role: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly function: LambdaFunction;
  public readonly notification: S3BucketNotification;
  /** Where files are dropped: `s3://<bucket>/batch/input/`. */
  public readonly inputLocation: string;
  public readonly environment: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, options: BatchFunctionOptions) {
    super(scope, id);
    const { names, model, batch } = options;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.batchLogGroup,
      retentionInDays: options.function.logRetentionDays,
    });
    const execution = executionRole(this, {
      name: names.batchFunction,
      functionName: names.batchFunction,
      policies: batchFunctionPolicies({
        batchBucketArn: options.batchBucket.bucketArn,
        modelBucketArn: options.modelBucket.bucketArn,
        modelPrefix: modelPrefix(model.experimentId, model.runId),
        logGroupArn: this.logGroup.arn,
      }),
    });
    this.role = execution.role;
    const { policies } = execution;

    this.environment = {
      MODEL_BUCKET: options.modelBucket.bucketName,
      EXPERIMENT_ID: model.experimentId,
      RUN_ID: model.runId,
      BATCH_MAX_OBJECT_BYTES: String(batch.maxObjectMegabytes * 1024 * 1024),
      BATCH_SIZE: String(batch.batchSize),
      POWERTOOLS_SERVICE_NAME: options.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: options.function.metricsNamespace,
      POWERTOOLS_LOG_LEVEL: options.function.logLevel,
      ONNX_INTRA_OP_NUM_THREADS: String(Math.max(1, Math.floor(batch.memoryMb / MB_PER_VCPU))),
    };
    this.function = new LambdaFunction(this, 'function', {
      functionName: names.batchFunction,
      description: `Scores files dropped under ${BATCH_PREFIXES.input} with model run ${model.runId}`,
      packageType: 'Image',
      imageUri: options.imageUri,
      imageConfig: { command: [BATCH_HANDLER_COMMAND] },
      architectures: [options.function.architecture],
      role: this.role.arn,
      memorySize: batch.memoryMb,
      timeout: batch.timeoutSeconds,
      environment: { variables: this.environment },
      dependsOn: [this.logGroup, ...policies],
    });

    const permission = new LambdaPermission(this, 'invoke-from-s3', {
      statementId: 'AllowBatchInputNotifications',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: options.batchBucket.bucketArn,
    });
    // Outputs go under other prefixes than the filter, so the function's own writes never invoke it again.
    this.notification = new S3BucketNotification(this, 'notification', {
      bucket: options.batchBucket.bucketName,
      lambdaFunction: [
        {
          id: 'batch-input',
          lambdaFunctionArn: this.function.arn,
          events: ['s3:ObjectCreated:*'],
          filterPrefix: BATCH_PREFIXES.input,
        },
      ],
      // S3 checks that it may invoke the function when the notification is created.
      dependsOn: [permission],
    });
    this.inputLocation = `s3://${options.batchBucket.bucketName}/${BATCH_PREFIXES.input}`;
  }
}
