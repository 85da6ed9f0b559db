/**
 * The bucket that holds model runs (`{experiment}/{run}/artifacts/model/…`) and quarantined records
 * (`quarantine/…`). Either created here — versioned, SSE-S3 encrypted, ACLs disabled, public access blocked,
 * TLS-only, quarantine expiring — or an existing bucket looked up by name (plan fails early if it does not exist).
 */
import { Construct } from 'constructs';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { QUARANTINE_PREFIX as DEFAULT_QUARANTINE_PREFIX } from '../../functions/contract/names';
import type { ModelBucketConfig } from '../config/schema';
import { policyJson } from '../iam';

/** Key prefix of quarantined records inside the model bucket, with its slash (docs/contract.md §4 default). */
export const QUARANTINE_PREFIX = `${DEFAULT_QUARANTINE_PREFIX}/`;

/** Options of {@link ModelBucket}. */
export interface ModelBucketOptions {
  readonly config: ModelBucketConfig;
  /** `bucket_prefix` for a created bucket; AWS appends a unique suffix. */
  readonly bucketPrefix: string;
}

/** The model bucket, created or referenced. */
export class ModelBucket extends Construct {
  /** Bucket name (a token when created). */
  public readonly bucketName: string;
  /** Bucket ARN, the base of every S3 resource in the function's policy. */
  public readonly bucketArn: string;
  /** The managed bucket, or `undefined` when an existing bucket is used. */
  public readonly bucket: S3Bucket | undefined;

  public constructor(scope: Construct, id: string, options: ModelBucketOptions) {
    super(scope, id);
    const { config } = options;
    if (config.mode === 'existing') {
      const existing = new DataAwsS3Bucket(this, 'existing', { bucket: config.name });
      this.bucket = undefined;
      this.bucketName = existing.bucket;
      this.bucketArn = existing.arn;
      return;
    }

    const bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: options.bucketPrefix,
      forceDestroy: config.forceDestroy,
    });
    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    // SSE-S3: encryption at rest without a KMS key policy to manage or kms:* permissions to grant.
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketPolicy(this, 'tls-only', {
      bucket: bucket.id,
      // A Deny over all S3 actions is the standard TLS-only guard: the wildcard widens a Deny, never a grant.
      policy: policyJson([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:*'],
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-quarantine',
          status: 'Enabled',
          filter: [{ prefix: QUARANTINE_PREFIX }],
          expiration: [{ days: config.quarantineExpirationDays }],
        },
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: config.noncurrentVersionExpirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
  }
}
