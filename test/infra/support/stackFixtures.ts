/**
 * Builders for infra tests: a complete, valid configuration (overridable per test), a synthesized stack, and
 * lookups into the synthesized Terraform JSON by resource type.
 */
import { Testing } from 'cdktf';
import fs from 'node:fs';
import { parseInfraConfig } from '../../../infra/config/load';
import type { Environment, InfraConfig, InfraConfigInput } from '../../../infra/config/schema';
import type { ImageBuildOptions } from '../../../infra/constructs/scoring-image';
import { ScoringStack } from '../../../infra/stack';

export const RUN_ID = '0123456789abcdef0123456789abcdef';
export const CONTENT_HASH = 'ab'.repeat(32);
export const PINNED_IMAGE =
  `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ci-built@sha256:${'cd'.repeat(32)}` as const;

/** A valid configuration in file form; tests override single fields. */
export function configInput(): InfraConfigInput {
  return {
    region: 'eu-west-1',
    namePrefix: 'wq-test',
    tags: { Team: 'ml' },
    streams: {
      input: { mode: 'PROVISIONED', shardCount: 2, retentionHours: 48 },
      output: { mode: 'ON_DEMAND', retentionHours: 24 },
    },
    function: {
      memoryMb: 1536,
      timeoutSeconds: 45,
      reservedConcurrency: 8,
      logRetentionDays: 30,
      logLevel: 'INFO',
      serviceName: 'scorer-under-test',
      metricsNamespace: 'WineQualityTest',
    },
    eventSource: {
      batchSize: 250,
      maximumBatchingWindowSeconds: 2,
      parallelizationFactor: 3,
      maximumRetryAttempts: 4,
      maximumRecordAgeSeconds: 7200,
    },
    model: {
      bucket: { mode: 'create', forceDestroy: false, quarantineExpirationDays: 21 },
      experimentId: '7',
      runId: RUN_ID,
    },
    image: { keepImages: 12, forceDelete: false },
    alarms: {
      email: 'oncall@example.com',
      iteratorAgeMs: 30000,
      rejectedRecordsPer5Minutes: 25,
      drift: {
        featurePsi: { alcohol: 0.2, 'volatile acidity': 0.25, sulphates: 0.3 },
        predictionPsi: 0.35,
        evaluationPeriods: 2,
      },
    },
    backend: { type: 'local' },
  };
}

/** Enables batch inference (as stage.json and prod.json do), with values distinct from the defaults. */
export function withBatch(input: InfraConfigInput): void {
  input.batch = {
    enabled: true,
    memoryMb: 3538,
    timeoutSeconds: 600,
    maxObjectMegabytes: 64,
    batchSize: 2000,
  };
}

/** Parses a file-form configuration the way the app does (no runs.json needed: it names its run). */
export function parseConfig(input: unknown, environment: Environment = 'stage'): InfraConfig {
  return parseInfraConfig(environment, input, 'test.json', () => {
    throw new Error('the fixture names its run');
  });
}

export const IMAGE_BUILD: Omit<ImageBuildOptions, 'platform'> = {
  contentHash: CONTENT_HASH,
  workingDirectory: '../../../..',
  contextDir: '.',
  dockerfile: 'Dockerfile',
};

/** The synthesized stack: its JSON text (for cdktf matchers) and the parsed object (for direct lookups). */
export interface SynthesizedStack {
  readonly stack: ScoringStack;
  readonly json: string;
  readonly tf: TerraformJson;
}

/** The parts of synthesized Terraform JSON the tests read. */
export interface TerraformJson {
  readonly terraform: Record<string, unknown>;
  readonly provider: Record<string, Record<string, unknown>[]>;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown }>;
}

/**
 * Synthesizes a stack from a (possibly modified) configuration.
 *
 * @param mutate - edits the file-form configuration before it is parsed.
 * @param imageBuild - pass `undefined` to synthesize without a build (needs `image.uri`).
 */
export function synthStack(
  mutate: (input: InfraConfigInput) => void = () => undefined,
  imageBuild: Omit<ImageBuildOptions, 'platform'> | undefined = IMAGE_BUILD,
): SynthesizedStack {
  const input = configInput();
  mutate(input);
  const config = parseConfig(input);
  const app = Testing.app();
  const stack = new ScoringStack(app, 'test', {
    config,
    imageBuild,
    localStatePath: '../../../state/stage.tfstate',
  });
  const json = Testing.synth(stack);
  // Testing.app() makes a temp outdir it never removes; Testing.synth renders in memory and leaves it empty.
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return { stack, json, tf: JSON.parse(json) as TerraformJson };
}

/** All resources of one type (by logical id). */
export function resourcesOf(tf: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return tf.resource[type] ?? {};
}

/** The only resource of a type; fails the test if there is not exactly one. */
export function onlyResource(tf: TerraformJson, type: string): { id: string; body: Record<string, unknown> } {
  const entries = Object.entries(resourcesOf(tf, type));
  if (entries.length !== 1) throw new Error(`expected exactly one ${type}, found ${entries.length}`);
  const [id, body] = entries[0]!;
  return { id, body };
}

/** The resource of a type whose `attribute` equals `value`; fails the test unless exactly one matches. */
export function resourceWhere(
  tf: TerraformJson,
  type: string,
  attribute: string,
  value: unknown,
): { id: string; body: Record<string, unknown> } {
  const entries = Object.entries(resourcesOf(tf, type)).filter(([, body]) => body[attribute] === value);
  if (entries.length !== 1)
    throw new Error(`expected one ${type} with ${attribute} ${String(value)}, found ${entries.length}`);
  const [id, body] = entries[0]!;
  return { id, body };
}

/** A Terraform reference to an attribute of a resource, as it appears in synthesized JSON. */
export function ref(type: string, id: string, attribute: string): string {
  return `\${${type}.${id}.${attribute}}`;
}
