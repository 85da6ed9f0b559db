/**
 * What the workflows need to know about one environment's stack, read from the Terraform JSON that `npm run synth`
 * writes (`infra/cdktf.out/stacks/<environment>/cdk.tf.json`) rather than re-derived here: names, region, backend and
 * the image build belong to infra, and its synthesized output is their published form (the stack's `output` block
 * names the streams, the function and the repository). Pure: the CLI reads the file, the tests pass objects.
 */
import path from 'node:path';

/** A problem with the synthesized stack; the message names the file and what is missing. */
export class StackFactsError extends Error {
  override readonly name = 'StackFactsError';
}

/** Where Terraform keeps the environment's state. */
export type StackBackend =
  | { readonly type: 'local'; readonly path: string }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      /** A legacy DynamoDB lock table, when the configuration names one. */
      readonly dynamodbTable: string | undefined;
    };

/** One resource of the stack (for the IAM policy generator and the tests). */
export interface StackResource {
  readonly type: string;
  readonly id: string;
  /** `type.id`, as `terraform -target` takes it. */
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** What the deploy, model and drift workflows read from a stack. */
export interface StackFacts {
  readonly environment: string;
  readonly region: string;
  readonly backend: StackBackend;
  readonly functionName: string;
  /** The alias the event source mapping targets, when the stack has one. */
  readonly aliasName: string | undefined;
  readonly inputStream: string;
  readonly outputStream: string;
  readonly ecrRepository: { readonly name: string; readonly address: string };
  /** How Terraform would build the image (absent when the stack was synthesized with a CI-built `image.uri`). */
  readonly imageBuild:
    { readonly contentHash: string; readonly tag: string; readonly platform: string } | undefined;
  readonly resources: readonly StackResource[];
}

/** `infra/cdktf.out/stacks/<environment>/cdk.tf.json` under `repoRoot`. */
export function stackFile(repoRoot: string, environment: string): string {
  return path.join(repoRoot, 'infra', 'cdktf.out', 'stacks', environment, 'cdk.tf.json');
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `${aws_kinesis_stream.streams_input_518DC211.name}` → its three parts. */
const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

/**
 * Reads the facts out of a parsed synthesized stack.
 *
 * @param tf - the parsed `cdk.tf.json`
 * @param environment - the stack's name (its folder)
 * @param label - how errors name the source, e.g. the file path
 * @throws {@link StackFactsError} naming what the stack lacks
 */
export function readStackFacts(tf: unknown, environment: string, label: string): StackFacts {
  const fail = (what: string): never => {
    throw new StackFactsError(`${label}: ${what}`);
  };
  if (!isObject(tf)) return fail('not a JSON object');
  const resources = listResources(tf);
  const find = (type: string, id: string): StackResource | undefined =>
    resources.find((r) => r.type === type && r.id === id);

  /** A stack output that is a reference to a literal attribute of one of the stack's resources. */
  const outputValue = (name: string): { resource: StackResource; value: string } => {
    const output = isObject(tf.output) ? tf.output[name] : undefined;
    const expression = isObject(output) && typeof output.value === 'string' ? output.value : undefined;
    const match = expression === undefined ? null : REFERENCE.exec(expression);
    if (match === null) return fail(`output "${name}" is missing or is not a resource reference`);
    const [, type = '', id = '', attribute = ''] = match;
    const resource = find(type, id);
    const value = resource?.body[attribute];
    if (resource === undefined || typeof value !== 'string' || value.includes('${')) {
      return fail(
        `output "${name}" refers to ${type}.${id}.${attribute}, which is not a literal in the stack`,
      );
    }
    return { resource, value };
  };

  const providers = isObject(tf.provider) ? tf.provider.aws : undefined;
  const provider: unknown = Array.isArray(providers) ? providers[0] : undefined;
  const region = isObject(provider) && typeof provider.region === 'string' ? provider.region : undefined;
  if (region === undefined) return fail('no aws provider region');

  const repositoryUrl = isObject(tf.output) ? tf.output.ecr_repository_url : undefined;
  const repositoryMatch =
    isObject(repositoryUrl) && typeof repositoryUrl.value === 'string'
      ? REFERENCE.exec(repositoryUrl.value)
      : null;
  const repository =
    repositoryMatch === null ? undefined : find(repositoryMatch[1] ?? '', repositoryMatch[2] ?? '');
  const repositoryName = repository?.body.name;
  if (repository === undefined || typeof repositoryName !== 'string') {
    return fail('output "ecr_repository_url" does not refer to an ECR repository with a literal name');
  }

  const aliases = resources.filter((r) => r.type === 'aws_lambda_alias');
  const aliasName =
    aliases.length === 1 && typeof aliases[0]?.body.name === 'string' ? aliases[0].body.name : undefined;

  return {
    environment,
    region,
    backend: readBackend(tf, fail),
    functionName: outputValue('function_name').value,
    aliasName,
    inputStream: outputValue('input_stream_name').value,
    outputStream: outputValue('output_stream_name').value,
    ecrRepository: { name: repositoryName, address: repository.address },
    imageBuild: readImageBuild(resources),
    resources,
  };
}

function listResources(tf: Json): StackResource[] {
  if (!isObject(tf.resource)) return [];
  return Object.entries(tf.resource).flatMap(([type, byId]) =>
    isObject(byId)
      ? Object.entries(byId)
          .filter((entry): entry is [string, Json] => isObject(entry[1]))
          .map(([id, body]) => ({ type, id, address: `${type}.${id}`, body }))
      : [],
  );
}

function readBackend(tf: Json, fail: (what: string) => never): StackBackend {
  const backend = isObject(tf.terraform) ? tf.terraform.backend : undefined;
  if (isObject(backend) && isObject(backend.local) && typeof backend.local.path === 'string') {
    return { type: 'local', path: backend.local.path };
  }
  const s3 = isObject(backend) ? backend.s3 : undefined;
  if (
    isObject(s3) &&
    typeof s3.bucket === 'string' &&
    typeof s3.key === 'string' &&
    typeof s3.region === 'string'
  ) {
    const table = typeof s3.dynamodb_table === 'string' ? s3.dynamodb_table : undefined;
    return { type: 's3', bucket: s3.bucket, key: s3.key, region: s3.region, dynamodbTable: table };
  }
  return fail('terraform.backend is neither a local nor an s3 backend');
}

/** The `terraform_data` build infra adds when it builds the image itself (its trigger and input name the image). */
function readImageBuild(resources: readonly StackResource[]): StackFacts['imageBuild'] {
  for (const resource of resources) {
    if (resource.type !== 'terraform_data') continue;
    const triggers = resource.body.triggers_replace;
    const input = resource.body.input;
    if (
      isObject(triggers) &&
      isObject(input) &&
      typeof triggers.content_hash === 'string' &&
      typeof triggers.platform === 'string' &&
      typeof input.image_tag === 'string'
    ) {
      return { contentHash: triggers.content_hash, tag: input.image_tag, platform: triggers.platform };
    }
  }
  return undefined;
}

/**
 * Why CI must not deploy this stack, or `undefined`: a GitHub runner is discarded after each job, so a local state
 * file would be lost and the next run would try to create every resource again.
 */
export function remoteStateProblem(facts: StackFacts): string | undefined {
  if (facts.backend.type === 's3') return undefined;
  return (
    `infra/config/${facts.environment}.json: backend is "local" (${facts.backend.path}); a CI runner is discarded ` +
    'after each job and its state with it. Set "backend": {"type": "s3", "bucket", "key", "region"} (docs/ci-cd.md)'
  );
}

/**
 * The facts as `key=value` lines for `$GITHUB_OUTPUT` (absent values are empty, so `if:` can test them).
 */
export function outputLines(facts: StackFacts): string[] {
  const values: Record<string, string> = {
    region: facts.region,
    backend: facts.backend.type,
    function_name: facts.functionName,
    alias_name: facts.aliasName ?? '',
    input_stream: facts.inputStream,
    output_stream: facts.outputStream,
    ecr_repository: facts.ecrRepository.name,
    ecr_address: facts.ecrRepository.address,
    content_hash: facts.imageBuild?.contentHash ?? '',
    image_tag: facts.imageBuild?.tag ?? '',
    platform: facts.imageBuild?.platform ?? '',
  };
  return Object.entries(values).map(([key, value]) => `${key}=${value}`);
}
