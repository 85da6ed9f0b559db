/**
 * The managed policy for whoever changes the served model (docs/model-lifecycle.md): attach it to the person or CI
 * role that runs `npm run model:promote` / `model:rollback`. Nothing here is attached to the scoring function.
 */
import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import type { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { modelPrefix } from '../../model/src/contract';
import { policyJson } from '../iam';
import { registryPrefix } from '../naming';
import type { ModelBucket } from './model-bucket';
import { lifecycleOperatorStatements } from './lifecycle-operator-policy';

/** Options of {@link LifecycleOperator}. */
export interface LifecycleOperatorOptions {
  readonly policyName: string;
  readonly function: Pick<LambdaFunction, 'arn' | 'functionName'>;
  readonly alias: Pick<LambdaAlias, 'arn'>;
  readonly modelBucket: Pick<ModelBucket, 'bucketArn'>;
  readonly experimentId: string;
  readonly inputStream: Pick<KinesisStream, 'arn'>;
  readonly outputStream: Pick<KinesisStream, 'arn'>;
}

/** The lifecycle operator's managed policy. */
export class LifecycleOperator extends Construct {
  public readonly policy: IamPolicy;

  public constructor(scope: Construct, id: string, options: LifecycleOperatorOptions) {
    super(scope, id);
    this.policy = new IamPolicy(this, 'policy', {
      name: options.policyName,
      description: `Promote, roll back and smoke-test the model of ${options.function.functionName} (alias, versions, registry)`,
      policy: policyJson(
        lifecycleOperatorStatements({
          functionArn: options.function.arn,
          aliasArn: options.alias.arn,
          bucketArn: options.modelBucket.bucketArn,
          modelFolders: modelPrefix(options.experimentId, '*'),
          registryPrefix: registryPrefix(options.experimentId),
          experimentPrefix: `${options.experimentId}/`,
          inputStreamArn: options.inputStream.arn,
          outputStreamArn: options.outputStream.arn,
        }),
      ),
    });
  }
}
