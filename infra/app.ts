/**
 * Builds the CDKTF app: one {@link ScoringStack} per environment, each from its validated configuration. The
 * image's content hash is computed once (only when some environment builds its image here).
 */
import { App } from 'cdktf';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { computeContextHash, type ContextHash } from './image/context-hash';
import { loadInfraConfig, type ConfigOverrides } from './config/load';
import { ENVIRONMENTS, type Environment, type InfraConfig } from './config/schema';
import { LOCAL_STATE_DIR, relativePosix, stackDirectory } from './paths';
import { ScoringStack } from './stack';

/** Inputs of {@link buildApp}. */
export interface AppOptions {
  readonly outdir: string;
  readonly repoRoot: string;
  readonly configDir: string;
  readonly runsFile: string;
  readonly environments?: readonly Environment[];
  /** Local state folder; defaults to `infra/state`. */
  readonly stateDir?: string;
  /** Command-line values that replace an environment's file values (e.g. a CI-built `image.uri`). */
  readonly overrides?: Partial<Record<Environment, ConfigOverrides>>;
}

/** The app plus what was resolved while building it (for the CLI's summary). */
export interface BuiltApp {
  readonly app: App;
  readonly configs: readonly InfraConfig[];
  /** `undefined` when every environment uses a CI-built image. */
  readonly context: ContextHash | undefined;
}

/**
 * Loads every environment's configuration and builds its stack.
 *
 * @throws `InfraConfigError` for an invalid configuration; `BuildContextError` for an unusable build context.
 */
export function buildApp(options: AppOptions): BuiltApp {
  const environments = options.environments ?? ENVIRONMENTS;
  const configs = environments.map((env) =>
    loadInfraConfig(
      env,
      { configDir: options.configDir, runsFile: options.runsFile },
      options.overrides?.[env],
    ),
  );
  const needsBuild = configs.some((config) => config.image.uri === undefined);
  const context = needsBuild ? computeContextHash(options.repoRoot) : undefined;

  // cdktf creates only the last path segment; a fresh clone has no infra/cdktf.out yet.
  mkdirSync(options.outdir, { recursive: true });
  const app = new App({ outdir: options.outdir });
  for (const config of configs) {
    const stackDir = stackDirectory(options.outdir, config.environment);
    const stateDir = options.stateDir ?? LOCAL_STATE_DIR;
    new ScoringStack(app, config.environment, {
      config,
      localStatePath: relativePosix(stackDir, path.join(stateDir, `${config.environment}.tfstate`)),
      imageBuild:
        context === undefined
          ? undefined
          : {
              contentHash: context.hash,
              workingDirectory: relativePosix(stackDir, options.repoRoot),
              contextDir: '.',
              dockerfile: 'Dockerfile',
            },
    });
  }
  return { app, configs, context };
}
