/**
 * Command line of `infra/image/build-and-push.ts`, parsed once into a typed, frozen object. Infra's
 * `terraform_data` provisioner passes every value; a person can run it by hand with the same flags.
 */
import { parseArgs } from 'node:util';
import { CONTENT_HASH_PATTERN } from './context-hash';
import { InvalidImageArgumentsError } from './errors';
import { IMAGE_PLATFORMS, imageTagFor, type ImagePlatform } from './tags';

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository name>`. */
const REPOSITORY_URL_PATTERN =
  /^(?<host>(?<account>\d{12})\.dkr\.ecr\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?)\/(?<name>[a-z0-9]+(?:[._/-][a-z0-9]+)*)$/;

/** Parsed, validated arguments. */
export interface ImageArguments {
  /** Full repository URL, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/wine-quality-stage-scorer`. */
  readonly repositoryUrl: string;
  /** Registry host part of {@link repositoryUrl}. */
  readonly registryHost: string;
  readonly repositoryName: string;
  readonly region: string;
  /** Content hash fixed at synth time; the build fails if the context no longer hashes to it. */
  readonly expectedHash: string;
  /** Tag derived from {@link expectedHash} and {@link platform}. */
  readonly tag: string;
  readonly contextDir: string;
  /** Dockerfile path relative to {@link contextDir}. */
  readonly dockerfile: string;
  readonly platform: ImagePlatform;
  /** Print the commands instead of calling ECR and docker. */
  readonly dryRun: boolean;
}

/** Usage text printed on `--help` and after an argument error. */
export const USAGE = `Usage: tsx infra/image/build-and-push.ts --repository-url <ecr url> --content-hash <sha256> [options]

Builds the Lambda image from the docker build context, tags it src-<first 32 hex of the content hash>-<arch> and
pushes it to ECR (skipped when that tag is already there: tags are immutable and name their content).

  --repository-url <url>   <account>.dkr.ecr.<region>.amazonaws.com/<name>   (required)
  --content-hash <hex>     content hash of the build context computed at synth (required)
  --context <dir>          docker build context (default .)
  --file <path>            Dockerfile, relative to the context (default Dockerfile)
  --platform <p>           linux/amd64 | linux/arm64 (default linux/amd64)
  --region <region>        AWS region (default: the one in the repository URL)
  --dry-run                print what would run; call neither ECR nor docker
  --help`;

/**
 * Parses and validates the command line.
 *
 * @param argv - arguments after the script name.
 * @returns the arguments, or `'help'` when `--help` was given.
 * @throws {@link InvalidImageArgumentsError} naming every bad or missing option.
 */
export function parseImageArguments(argv: readonly string[]): ImageArguments | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'repository-url': { type: 'string' },
        'content-hash': { type: 'string' },
        context: { type: 'string', default: '.' },
        file: { type: 'string', default: 'Dockerfile' },
        platform: { type: 'string', default: 'linux/amd64' },
        region: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new InvalidImageArgumentsError((error as Error).message, { cause: error });
  }
  if (values.help) return 'help';

  const problems: string[] = [];
  const url = values['repository-url'];
  const match = url === undefined ? null : REPOSITORY_URL_PATTERN.exec(url);
  if (url === undefined) problems.push('--repository-url is required');
  else if (match === null) {
    problems.push(
      `--repository-url must look like <account>.dkr.ecr.<region>.amazonaws.com/<name>, got "${url}"`,
    );
  }
  const hash = values['content-hash'];
  if (hash === undefined) problems.push('--content-hash is required');
  else if (!CONTENT_HASH_PATTERN.test(hash)) {
    problems.push(`--content-hash must be 64 lowercase hex characters, got "${hash}"`);
  }
  const platform = values.platform;
  if (!(IMAGE_PLATFORMS as readonly string[]).includes(platform)) {
    problems.push(`--platform must be one of ${IMAGE_PLATFORMS.join(', ')}, got "${platform}"`);
  }
  const groups = match?.groups;
  if (problems.length > 0 || groups === undefined || hash === undefined || url === undefined) {
    throw new InvalidImageArgumentsError(problems.join('; '));
  }
  const { host, region, name } = groups as { host: string; region: string; name: string };
  return Object.freeze({
    repositoryUrl: url,
    registryHost: host,
    repositoryName: name,
    region: values.region ?? region,
    expectedHash: hash,
    tag: imageTagFor(hash, platform as ImagePlatform),
    contextDir: values.context,
    dockerfile: values.file,
    platform: platform as ImagePlatform,
    dryRun: values['dry-run'],
  });
}
