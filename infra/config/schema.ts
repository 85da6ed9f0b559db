/**
 * The infrastructure configuration of one environment (`infra/config/<environment>.json`), as a closed zod schema:
 * unknown keys are errors (a typo must not silently fall back to a default), every number has the range AWS
 * accepts, and cross-field rules (record age vs retention, reserved concurrency vs shards) are checked before synth.
 */
import { z } from 'zod';
import { KINESIS_STREAM_NAME } from '../../functions/contract/names';
import { S3_BUCKET_NAME } from '../../functions/contract/s3Folder';
import { DEFAULT_EXPERIMENT_ID, RUN_ID_PATTERN, UCI_FEATURES } from '../../model/src/contract';

/** The environments this app deploys: one stack each. */
export const ENVIRONMENTS = ['stage', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Short enough for every derived name (the bucket prefix `<prefix>-models-` may be at most 37 characters). */
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,26}[a-z0-9]$/;
/** A digest-pinned ECR image: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<64 hex>`. */
const PINNED_IMAGE_URI =
  /^\d{12}\.dkr\.ecr\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?\/[a-z0-9]+([._/-][a-z0-9]+)*@sha256:[0-9a-f]{64}$/;

const retentionHours = z.int().min(24).max(8760);

/** A PSI alarm threshold: 0.25 is the conventional "significant shift"; 0.1 would page on noise. */
const psiThreshold = z.number().gt(0, 'must be a PSI above 0 (0.25 is the usual drift threshold)').max(100);

/**
 * Drift alarms on the function's rolling-window PSI metrics (`FeaturePSIWindow`, `PredictionPSIWindow`): one per
 * input feature of the served model, each with its own threshold, and one on the predicted classes.
 */
const driftAlarmsSchema = z.strictObject({
  /**
   * Window PSI threshold per input feature; the keys must be exactly the served model's features (checked against the
   * run's committed `signature.json` when it is in `model/artifacts/`).
   */
  featurePsi: z
    .partialRecord(z.enum(UCI_FEATURES), psiThreshold)
    .refine((thresholds) => Object.keys(thresholds).length > 0, 'must name at least one feature'),
  /**
   * Window PSI threshold of the predicted-class distribution against the training class shares, or `null` for no
   * alarm. Set it above the undrifted level: a classifier predicts fewer rare classes than the labels hold, so its
   * PSI on held-out rows is already ≈ 0.1–0.13 for the committed models.
   */
  predictionPsi: psiThreshold.nullable(),
  /** Consecutive 5-minute periods (of the average over containers) above the threshold before the alarm fires. */
  evaluationPeriods: z.int().min(1).max(288).default(3),
});

const streamSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('PROVISIONED'),
    shardCount: z.int().min(1).max(1000),
    retentionHours,
    /** Defaults to `<namePrefix>-input` / `<namePrefix>-predictions`. */
    name: z.string().regex(KINESIS_STREAM_NAME).optional(),
  }),
  z.strictObject({
    mode: z.literal('ON_DEMAND'),
    retentionHours,
    name: z.string().regex(KINESIS_STREAM_NAME).optional(),
  }),
]);

const modelBucketSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('create'),
    /** Let `destroy` delete a bucket that still holds objects (all versions). Keep `false` for prod. */
    forceDestroy: z.boolean().default(false),
    /** Quarantined records expire after this many days. */
    quarantineExpirationDays: z.int().min(1).max(3650).default(30),
    /** Overwritten or deleted model objects stay recoverable this long. */
    noncurrentVersionExpirationDays: z.int().min(1).max(3650).default(90),
  }),
  z.strictObject({
    mode: z.literal('existing'),
    name: z.string().regex(S3_BUCKET_NAME, 'must be a valid S3 bucket name'),
  }),
]);

/**
 * Batch inference on AWS: a second function from the same image (`batch.handler`) that scores every object created
 * under `batch/input/` of the model bucket (or of `bucket`, an existing bucket) and writes `batch/output/` and
 * `batch/rejects/` beside it (docs/batch-inference.md). Off unless enabled.
 */
const batchSchema = z.strictObject({
  enabled: z.boolean(),
  /** Lambda allocates one vCPU per 1,769 MB; onnxruntime gets one intra-op thread per whole vCPU. */
  memoryMb: z.int().min(128).max(10240).default(2048),
  /** Lambda's maximum by default: a file must finish within one invocation. */
  timeoutSeconds: z.int().min(30).max(900).default(900),
  /**
   * Larger objects are refused (logged, `BatchFilesRefused` with reason `too_large`) instead of timing out halfway:
   * size it from the measured rate (docs/batch-inference.md) and the timeout, with a margin.
   */
  maxObjectMegabytes: z.int().min(1).max(5_000_000).default(256),
  /** Rows per `session.run`. */
  batchSize: z.int().min(1).max(1_000_000).default(1000),
  /** An existing bucket to watch instead of the model bucket (its notification configuration is replaced). */
  bucket: z.string().regex(S3_BUCKET_NAME, 'must be a valid S3 bucket name').optional(),
});

const backendSchema = z.discriminatedUnion('type', [
  /** State in `infra/state/<environment>.tfstate` (git-ignored). */
  z.strictObject({ type: z.literal('local') }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().regex(S3_BUCKET_NAME, 'must be a valid S3 bucket name'),
    key: z.string().min(1),
    region: z.string().regex(AWS_REGION, 'must be an AWS region such as eu-west-1'),
    /** S3-native state locking (Terraform ≥ 1.10, OpenTofu ≥ 1.10). */
    useLockfile: z.boolean().default(true),
    /** Legacy DynamoDB lock table, if the team still uses one. */
    dynamodbTable: z.string().min(3).optional(),
  }),
]);

/** The raw (file) shape; `model.runId` may be absent and is then filled from `model/artifacts/runs.json`. */
export const infraConfigSchema = z
  .strictObject({
    region: z.string().regex(AWS_REGION, 'must be an AWS region such as eu-west-1'),
    namePrefix: z
      .string()
      .regex(
        NAME_PREFIX,
        'must be 3-28 characters: lowercase letters, digits and dashes, starting with a letter',
      ),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
    streams: z.strictObject({ input: streamSchema, output: streamSchema }),
    function: z.strictObject({
      memoryMb: z.int().min(128).max(10240),
      /** `arm64` (Graviton) costs about 20 % less per GB-second; the image is built for the same architecture. */
      architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
      timeoutSeconds: z.int().min(1).max(900),
      /** `null` leaves the function on the account's unreserved pool. */
      reservedConcurrency: z.int().min(1).nullable().default(null),
      logRetentionDays: z.union(LOG_RETENTION_DAYS.map((d) => z.literal(d))),
      logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
      serviceName: z.string().min(1).default('wine-quality-inference'),
      metricsNamespace: z.string().min(1).max(255).default('WineQuality'),
    }),
    eventSource: z.strictObject({
      batchSize: z.int().min(1).max(10000),
      maximumBatchingWindowSeconds: z.int().min(0).max(300),
      parallelizationFactor: z.int().min(1).max(10),
      /** Finite on purpose: AWS's default (-1) retries a poison batch until the records expire. */
      maximumRetryAttempts: z.int().min(0).max(10000),
      /** Finite on purpose: AWS's default (-1) keeps retrying records up to the stream retention. */
      maximumRecordAgeSeconds: z.int().min(60).max(604800),
    }),
    model: z.strictObject({
      bucket: modelBucketSchema,
      experimentId: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
        .default(DEFAULT_EXPERIMENT_ID),
      runId: z.string().regex(RUN_ID_PATTERN, 'must be 32 lowercase hex characters').optional(),
    }),
    image: z
      .strictObject({
        /** A CI-built image pinned by digest; when set, no image is built or pushed. */
        uri: z
          .string()
          .regex(
            PINNED_IMAGE_URI,
            'must be an ECR image pinned by digest: <registry>/<repository>@sha256:<64 hex>',
          )
          .optional(),
        /** The ECR lifecycle policy keeps this many most recent images. */
        keepImages: z.int().min(1).max(1000).default(10),
        /** Let `destroy` delete the repository while it still holds images. */
        forceDelete: z.boolean().default(false),
      })
      .default({ keepImages: 10, forceDelete: false }),
    alarms: z.strictObject({
      email: z.email().optional(),
      /** IteratorAge (Maximum) above this for 3 of 5 minutes raises the alarm. */
      iteratorAgeMs: z.int().min(1000),
      /** Rejected (quarantined) records per 5 minutes above this raise the alarm. */
      rejectedRecordsPer5Minutes: z.int().min(0),
      drift: driftAlarmsSchema,
    }),
    backend: backendSchema.default({ type: 'local' }),
    batch: batchSchema.default({
      enabled: false,
      memoryMb: 2048,
      timeoutSeconds: 900,
      maxObjectMegabytes: 256,
      batchSize: 1000,
    }),
  })
  .superRefine((config, ctx) => {
    const ageLimit = config.streams.input.retentionHours * 3600;
    if (config.eventSource.maximumRecordAgeSeconds > ageLimit) {
      ctx.addIssue({
        code: 'custom',
        path: ['eventSource', 'maximumRecordAgeSeconds'],
        message: `must not exceed the input stream retention (${ageLimit} s)`,
      });
    }
    const input = config.streams.input;
    const reserved = config.function.reservedConcurrency;
    if (reserved !== null && input.mode === 'PROVISIONED') {
      const needed = input.shardCount * config.eventSource.parallelizationFactor;
      if (reserved < needed) {
        ctx.addIssue({
          code: 'custom',
          path: ['function', 'reservedConcurrency'],
          message: `must be at least shardCount × parallelizationFactor = ${needed}, or the event source is throttled`,
        });
      }
    }
  });

/** What the file may contain (before defaults). */
export type InfraConfigInput = z.input<typeof infraConfigSchema>;

/** A validated configuration with every default applied and the model run resolved. */
export type InfraConfig = Readonly<
  Omit<z.output<typeof infraConfigSchema>, 'model'> & {
    environment: Environment;
    model: Omit<z.output<typeof infraConfigSchema>['model'], 'runId'> & { runId: string };
  }
>;
export type StreamConfig = InfraConfig['streams']['input'];
export type ModelBucketConfig = InfraConfig['model']['bucket'];
export type BackendConfig = InfraConfig['backend'];
export type DriftAlarmsConfig = InfraConfig['alarms']['drift'];
export type BatchConfig = InfraConfig['batch'];
