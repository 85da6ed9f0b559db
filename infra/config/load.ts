/**
 * Reads `infra/config/<environment>.json` once, fills the model run from the committed default
 * (`model/artifacts/runs.json` → `default`) when the file names none, and validates everything into a frozen
 * {@link InfraConfig}. Every problem is reported at once, each naming the file and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ARTIFACT_FILES, RUN_ID_PATTERN, signatureSchema } from '../../model/src/contract';
import { InfraConfigError } from '../errors';
import { ENVIRONMENTS, infraConfigSchema, type Environment, type InfraConfig } from './schema';

/** Where configuration and the model's run index live. */
export interface ConfigLocations {
  /** Folder holding `<environment>.json`. */
  readonly configDir: string;
  /**
   * `model/artifacts/runs.json`; may be absent, then every config must name `model.runId`. A run's committed folder
   * beside it (`<runId>/signature.json`) is used, when present, to check the drift alarms' features.
   */
  readonly runsFile: string;
}

const runsFileSchema = z.looseObject({
  default: z.string().regex(RUN_ID_PATTERN, 'must be 32 lowercase hex characters'),
});

/**
 * Values given on the command line that replace the file's (e.g. `npm run deploy -- stage --image-uri …` in CI,
 * which builds the image once and deploys that digest). They are merged into the file's content before validation,
 * so the same schema checks them.
 */
export interface ConfigOverrides {
  /** Replaces `image.uri`: a CI-built image pinned by digest. */
  readonly imageUri?: string | undefined;
}

/**
 * Narrows a string to an {@link Environment}.
 *
 * @throws {@link InfraConfigError} naming the valid environments.
 */
export function parseEnvironment(value: string | undefined): Environment {
  if (value !== undefined && (ENVIRONMENTS as readonly string[]).includes(value)) return value as Environment;
  throw new InfraConfigError([`environment must be one of ${ENVIRONMENTS.join(', ')}, got "${value ?? ''}"`]);
}

/**
 * Loads and validates one environment's configuration.
 *
 * @param environment - which file to read.
 * @param locations - config folder and runs index.
 * @param overrides - command-line values that replace the file's (validated by the same schema).
 * @throws {@link InfraConfigError} listing every bad field (`stage.json: eventSource.batchSize: …`).
 */
export function loadInfraConfig(
  environment: Environment,
  locations: ConfigLocations,
  overrides: ConfigOverrides = {},
): InfraConfig {
  const file = path.join(locations.configDir, `${environment}.json`);
  const raw = applyOverrides(readJson(file), overrides);
  const label =
    overrides.imageUri === undefined ? path.basename(file) : `${path.basename(file)} + --image-uri`;
  const config = parseInfraConfig(environment, raw, label, () => readDefaultRunId(locations.runsFile));
  const signatureFile = path.join(
    path.dirname(locations.runsFile),
    config.model.runId,
    ARTIFACT_FILES.signature,
  );
  if (existsSync(signatureFile)) {
    const signature = signatureSchema.safeParse(readJson(signatureFile));
    if (!signature.success) {
      throw new InfraConfigError(
        signature.error.issues.map((issue) => `${signatureFile}: ${describeIssue(issue)}`),
      );
    }
    const problems = driftFeatureProblems(
      config.alarms.drift.featurePsi,
      signature.data.features,
      config.model.runId,
    );
    if (problems.length > 0) throw new InfraConfigError(problems.map((problem) => `${label}: ${problem}`));
  }
  return config;
}

/**
 * What is wrong with the drift alarms' features for the served model: an alarm per input feature, and none for a
 * feature the model does not take (the function emits no metric for it, so that alarm would stay silent forever).
 *
 * @param thresholds - `alarms.drift.featurePsi`
 * @param modelFeatures - the served run's `signature.json` features
 * @returns one line per problem, each starting with the field
 */
export function driftFeatureProblems(
  thresholds: Readonly<Partial<Record<string, number>>>,
  modelFeatures: readonly string[],
  runId: string,
): string[] {
  const configured = Object.keys(thresholds);
  const field = 'alarms.drift.featurePsi';
  return [
    ...modelFeatures
      .filter((name) => !configured.includes(name))
      .map((name) => `${field}: no threshold for "${name}", an input of run ${runId}`),
    ...configured
      .filter((name) => !modelFeatures.includes(name))
      .map((name) => `${field}.${name}: not an input of run ${runId}, so its alarm would never see data`),
  ];
}

/**
 * Validates an already-read configuration object (what {@link loadInfraConfig} does after reading the file).
 *
 * @param environment - the environment the configuration belongs to.
 * @param raw - the parsed JSON.
 * @param label - how messages name the source, e.g. `stage.json`.
 * @param defaultRunId - supplies the run when the configuration names none; may throw {@link InfraConfigError}.
 * @throws {@link InfraConfigError} listing every bad field.
 */
export function parseInfraConfig(
  environment: Environment,
  raw: unknown,
  label: string,
  defaultRunId: () => string,
): InfraConfig {
  const result = infraConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new InfraConfigError(result.error.issues.map((issue) => `${label}: ${describeIssue(issue)}`));
  }
  const config = result.data;
  let runId = config.model.runId;
  if (runId === undefined) {
    try {
      runId = defaultRunId();
    } catch (error) {
      const reasons = error instanceof InfraConfigError ? error.problems : [String(error)];
      throw new InfraConfigError(reasons.map((reason) => `${label}: model.runId is not set and ${reason}`));
    }
  }
  return deepFreeze({ ...config, environment, model: { ...config.model, runId } });
}

/**
 * The committed default run id from `runs.json`.
 *
 * @throws {@link InfraConfigError} when the file is missing or has no valid `default`.
 */
export function readDefaultRunId(runsFile: string): string {
  if (!existsSync(runsFile)) {
    throw new InfraConfigError([`${runsFile} does not exist (train and commit a model, or set model.runId)`]);
  }
  const parsed = runsFileSchema.safeParse(readJson(runsFile));
  if (!parsed.success) {
    throw new InfraConfigError(parsed.error.issues.map((issue) => `${runsFile}: ${describeIssue(issue)}`));
  }
  return parsed.data.default;
}

/**
 * The file's content with the overrides written in. A non-object is returned as it is: the schema then reports it.
 */
function applyOverrides(raw: unknown, overrides: ConfigOverrides): unknown {
  if (overrides.imageUri === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return raw;
  }
  const file = raw as Record<string, unknown>;
  const image = file.image;
  const fileImage = image !== null && typeof image === 'object' && !Array.isArray(image) ? image : {};
  return { ...file, image: { ...fileImage, uri: overrides.imageUri } };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InfraConfigError([`cannot read ${file}: ${(error as Error).message}`], { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InfraConfigError([`${file} is not valid JSON: ${(error as Error).message}`], { cause: error });
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${where}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
