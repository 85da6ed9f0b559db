/**
 * Build-and-push of the Lambda image: verify the context still has the hash synth fixed, skip if ECR already has
 * the tag, otherwise log in (ECR token → `docker login --password-stdin`), `docker build`, `docker push`, and
 * report the pushed digest. ECR and the command runner are injected so every step is testable without Docker.
 */
import { DescribeImagesCommand, ImageNotFoundException, type ECRClient } from '@aws-sdk/client-ecr';
import path from 'node:path';
import type { ImageArguments } from './arguments';
import { computeContextHash, type ContextHash, type ContextHashOptions } from './context-hash';
import { getEcrLogin } from './ecr-auth';
import { BuildContextChangedError } from './errors';

/** One external command: program, arguments, optional standard input. */
export interface Command {
  readonly program: string;
  readonly args: readonly string[];
  /** Written to the command's stdin (used for the registry password). */
  readonly input?: string;
}

/** Runs a command to completion; rejects with `CommandFailedError` on a non-zero exit. */
export type CommandRunner = (command: Command) => Promise<void>;

/** What the pipeline needs from the outside world. */
export interface PipelineDependencies {
  readonly ecr: Pick<ECRClient, 'send'>;
  readonly run: CommandRunner;
  readonly log: (line: string) => void;
  /** Defaults to {@link computeContextHash}. */
  readonly hashContext?: (contextDir: string, options: ContextHashOptions) => ContextHash;
}

/** Outcome of {@link buildAndPushImage}. */
export interface PipelineResult {
  /** `repository:tag`. */
  readonly imageReference: string;
  /** `false` when the tag was already in ECR (nothing built), or on a dry run. */
  readonly pushed: boolean;
  /** `sha256:…` of the image in ECR; `undefined` on a dry run. */
  readonly digest: string | undefined;
}

/**
 * The docker commands for one build, in order. Pure: the tests assert on it, the dry run prints it.
 *
 * @param args - parsed arguments.
 * @param registry - registry endpoint to log in to.
 * @param password - registry password, passed on stdin only.
 */
export function dockerCommands(args: ImageArguments, registry: string, password: string): Command[] {
  const reference = `${args.repositoryUrl}:${args.tag}`;
  return [
    {
      program: 'docker',
      args: ['login', '--username', 'AWS', '--password-stdin', registry],
      input: password,
    },
    {
      program: 'docker',
      args: [
        'build',
        '--platform',
        args.platform,
        // Lambda rejects the multi-manifest index that BuildKit's default provenance attestation produces.
        '--provenance=false',
        '--file',
        path.join(args.contextDir, args.dockerfile),
        '--tag',
        reference,
        args.contextDir,
      ],
    },
    { program: 'docker', args: ['push', reference] },
  ];
}

/** Renders a command for logs, with any stdin shown as `<stdin>` (never the password itself). */
export function describeCommand(command: Command): string {
  const rendered = [command.program, ...command.args].join(' ');
  return command.input === undefined ? rendered : `${rendered} < <stdin>`;
}

/**
 * Builds and pushes the image unless ECR already has its tag.
 *
 * @throws {@link BuildContextChangedError} when the context no longer hashes to `args.expectedHash`.
 * @throws `EcrAuthError`, `CommandFailedError`, or the ECR client's error (e.g. `RepositoryNotFoundException`).
 */
export async function buildAndPushImage(
  args: ImageArguments,
  deps: PipelineDependencies,
): Promise<PipelineResult> {
  const hashContext = deps.hashContext ?? computeContextHash;
  const { hash, files } = hashContext(args.contextDir, { dockerfile: args.dockerfile });
  if (hash !== args.expectedHash) throw new BuildContextChangedError(args.expectedHash, hash);
  const imageReference = `${args.repositoryUrl}:${args.tag}`;
  deps.log(`build context: ${files.length} files, content hash ${hash}`);

  if (args.dryRun) {
    for (const command of dockerCommands(args, `https://${args.registryHost}`, '<password>')) {
      deps.log(`would run: ${describeCommand(command)}`);
    }
    return { imageReference, pushed: false, digest: undefined };
  }

  const existing = await findImageDigest(deps.ecr, args.repositoryName, args.tag);
  if (existing !== undefined) {
    deps.log(`${imageReference} is already in ECR (${existing}); nothing to build`);
    return { imageReference, pushed: false, digest: existing };
  }

  const login = await getEcrLogin(deps.ecr, args.registryHost);
  for (const command of dockerCommands(args, login.registry, login.password)) {
    deps.log(`running: ${describeCommand(command)}`);
    await deps.run(command);
  }
  const digest = await findImageDigest(deps.ecr, args.repositoryName, args.tag);
  deps.log(`pushed ${imageReference} (${digest ?? 'digest not yet visible'})`);
  return { imageReference, pushed: true, digest };
}

/** Digest of `repository:tag` in ECR, or `undefined` when the tag does not exist. */
async function findImageDigest(
  ecr: Pick<ECRClient, 'send'>,
  repositoryName: string,
  tag: string,
): Promise<string | undefined> {
  try {
    const response = await ecr.send(
      new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }),
    );
    return response.imageDetails?.[0]?.imageDigest;
  } catch (error) {
    if (error instanceof ImageNotFoundException) return undefined;
    throw error;
  }
}
