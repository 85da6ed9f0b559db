/**
 * `npm run ci:iam-policy -- --role <deploy|plan|monitor> --document <trust|permissions> --account <id>
 * --repository <owner/name> --env <environment> [--pull-from <environment>] [--data-location s3://bucket/prefix]`:
 * prints one IAM policy document (JSON) for the roles the workflows assume (docs/ci-cd.md, one-time setup), with the
 * exact resources of the synthesized stacks (run `npm run synth` first).
 * Exit codes: 0 printed, 1 a stack is missing or unusable, 2 bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDataLocation, DataLocationError } from './dataLocation';
import { permissionPolicy, ROLES, trustPolicy, type RoleName } from './iamPolicies';
import { readStackFacts, stackFile, StackFactsError, type StackFacts } from './stack';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const USAGE = `Usage: npm run ci:iam-policy -- --role <${ROLES.join('|')}> --document <trust|permissions> \\
    --account <12 digits> --repository <owner/name> --env <environment> [options]

  --env <environment>          the stack(s) the role works on (repeat for several); run npm run synth first
  --pull-from <environment>    deploy role: the environment whose image it copies (prod: --pull-from stage)
  --data-location <s3 url>     deploy role: where model.yml reads labelled data (s3://bucket/prefix)
Exit codes: 0 printed, 1 missing or unusable stack, 2 bad arguments.`;

class UsageError extends Error {}

function loadStack(environment: string): StackFacts {
  const file = stackFile(REPO_ROOT, environment);
  if (!existsSync(file)) {
    throw new StackFactsError(
      `${path.relative(process.cwd(), file)} does not exist: run \`npm run synth\` first`,
    );
  }
  return readStackFacts(JSON.parse(readFileSync(file, 'utf8')), environment, file);
}

function main(argv: string[]): number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        role: { type: 'string' },
        document: { type: 'string' },
        account: { type: 'string' },
        repository: { type: 'string' },
        env: { type: 'string', multiple: true, default: [] },
        'pull-from': { type: 'string', multiple: true, default: [] },
        'data-location': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const role = values.role as RoleName | undefined;
    if (role === undefined || !ROLES.includes(role))
      throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (values.document !== 'trust' && values.document !== 'permissions') {
      throw new UsageError('--document must be trust or permissions');
    }
    if (values.account === undefined || !/^\d{12}$/.test(values.account)) {
      throw new UsageError('--account must be a 12-digit AWS account id');
    }
    if (values.repository === undefined || !/^[\w.-]+\/[\w.-]+$/.test(values.repository)) {
      throw new UsageError('--repository must be <owner>/<name> on GitHub');
    }
    if (values.env.length === 0) throw new UsageError('--env is required (e.g. --env stage)');
    let dataLocation: { bucket: string; prefix: string } | undefined;
    if (values['data-location'] !== undefined) {
      const location = parseDataLocation(values['data-location'], REPO_ROOT);
      if (location.kind !== 's3') throw new UsageError('--data-location must be an s3:// location');
      dataLocation = { bucket: location.bucket, prefix: location.key };
    }
    const context = {
      account: values.account,
      repository: values.repository,
      stacks: values.env.map(loadStack),
      imageSources: values['pull-from'].map(loadStack),
      dataLocation,
    };
    const document =
      values.document === 'trust' ? trustPolicy(role, context) : permissionPolicy(role, context);
    console.log(JSON.stringify(document, null, 2));
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof DataLocationError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`ci:iam-policy: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof StackFactsError) {
      console.error(`ci:iam-policy: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
