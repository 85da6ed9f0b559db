/**
 * The stream pair: records in, predictions out. Both are encrypted with the AWS-managed Kinesis key
 * (`alias/aws/kinesis`), whose key policy lets any principal of the account that may use the stream use the key
 * through Kinesis — so producers, the event source mapping and the function need no KMS permissions (a customer
 * managed key would need `kms:GenerateDataKey` for writers and `kms:Decrypt` for readers).
 */
import { Construct } from 'constructs';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import type { StreamConfig } from '../config/schema';

/** The AWS-managed KMS key for Kinesis Data Streams. */
export const KINESIS_MANAGED_KEY = 'alias/aws/kinesis';

/** Options of {@link Streams}. */
export interface StreamsOptions {
  readonly inputName: string;
  readonly outputName: string;
  readonly input: StreamConfig;
  readonly output: StreamConfig;
}

/** Input and output Kinesis streams. */
export class Streams extends Construct {
  /** Records to score (the event source of the scoring function). */
  public readonly input: KinesisStream;
  /** Prediction events (written by the scoring function). */
  public readonly output: KinesisStream;

  public constructor(scope: Construct, id: string, options: StreamsOptions) {
    super(scope, id);
    this.input = stream(this, 'input', options.inputName, options.input);
    this.output = stream(this, 'output', options.outputName, options.output);
  }
}

function stream(scope: Construct, id: string, name: string, config: StreamConfig): KinesisStream {
  return new KinesisStream(scope, id, {
    name,
    retentionPeriod: config.retentionHours,
    encryptionType: 'KMS',
    kmsKeyId: KINESIS_MANAGED_KEY,
    streamModeDetails: { streamMode: config.mode },
    ...(config.mode === 'PROVISIONED' ? { shardCount: config.shardCount } : {}),
  });
}
