/**
 * The real Terraform CLI, fully offline: providers from a local filesystem mirror, mock credentials and `skip_*`
 * flags, nothing remote read while planning. The stack pins the aws provider of @cdktf/provider-aws (6.x); the mirror
 * on these machines holds 5.100.0, so only these checks rewrite the version constraint to the mirror's. Tests skip
 * (saying why in the suite name) where terraform or a mirror is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { TerraformJson } from './stackFixtures';

export const TERRAFORM = process.env.TERRAFORM_BINARY ?? 'terraform';
const MIRROR_CANDIDATES = [
  process.env.TF_PROVIDER_MIRROR,
  '/opt/tf-plugins',
  path.join(homedir(), '.terraform.d', 'plugins'),
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
].filter((p): p is string => p !== undefined && p !== '');

/** A provider mirror and the newest hashicorp/aws version in it. */
export interface Mirror {
  readonly root: string;
  readonly awsVersion: string;
}

function findMirror(): Mirror | undefined {
  for (const root of MIRROR_CANDIDATES) {
    const aws = path.join(root, 'registry.terraform.io', 'hashicorp', 'aws');
    if (!existsSync(aws)) continue;
    const versions = readdirSync(aws).filter((v) => existsSync(path.join(aws, v, 'linux_amd64')));
    const newest = versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).at(-1);
    if (newest !== undefined) return { root, awsVersion: newest };
  }
  return undefined;
}

function terraformWorks(): boolean {
  const result = spawnSync(TERRAFORM, ['version'], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  return result.status === 0;
}

export const mirror = findMirror();
/** Why terraform cannot run here at all, if it cannot. */
export const terraformMissing = terraformWorks() ? undefined : `${TERRAFORM} is not on PATH`;
/** Why offline planning cannot run here, if it cannot. */
export const offlineSkipReason =
  terraformMissing ??
  (mirror === undefined
    ? `no offline provider mirror with hashicorp/aws in ${MIRROR_CANDIDATES.join(', ')}`
    : undefined);

/** Synthesized JSON made runnable offline: the mirror's provider version, no backend, mock credentials. */
export function offlineVariant(tf: TerraformJson | Record<string, unknown>, awsVersion: string): object {
  const copy = JSON.parse(JSON.stringify(tf)) as {
    terraform: { required_providers: { aws: { version: string } }; backend?: unknown };
    provider: { aws: Record<string, unknown>[] };
  };
  copy.terraform.required_providers.aws.version = awsVersion;
  delete copy.terraform.backend;
  copy.provider.aws = copy.provider.aws.map((p) => ({
    ...p,
    access_key: 'mock-access-key',
    secret_key: 'mock-secret-key',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  }));
  return copy;
}

/** A throw-away Terraform working directory with the mirror configured. */
export class Workspace {
  public readonly dir = mkdtempSync(path.join(tmpdir(), 'tf-offline-'));
  private readonly env: NodeJS.ProcessEnv;

  public constructor(tf: TerraformJson | Record<string, unknown>, m: Mirror) {
    writeFileSync(
      path.join(this.dir, 'main.tf.json'),
      JSON.stringify(offlineVariant(tf, m.awsVersion), null, 1),
    );
    const cliConfig = path.join(this.dir, 'offline.tfrc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(m.root)}\n` +
        `    include = ["registry.terraform.io/hashicorp/*"]\n  }\n` +
        `  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
    this.env = {
      ...env,
      TF_CLI_CONFIG_FILE: cliConfig,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    };
  }

  /** Writes a file into the workspace (e.g. `terraform.tfstate`). */
  public write(name: string, content: unknown): void {
    writeFileSync(path.join(this.dir, name), JSON.stringify(content, null, 1));
  }

  public run(...args: string[]): string {
    const result = spawnSync(TERRAFORM, args, {
      cwd: this.dir,
      env: this.env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (result.status !== 0) {
      throw new Error(
        `${TERRAFORM} ${args.join(' ')} failed (${String(result.status)}):\n${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  }

  /** `init`, `plan -refresh=false` and `show -json` of the plan. */
  public plan(): PlanJson {
    if (!existsSync(path.join(this.dir, '.terraform')))
      this.run('init', '-backend=false', '-input=false', '-no-color');
    this.run('plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=plan.bin');
    return JSON.parse(this.run('show', '-json', 'plan.bin')) as PlanJson;
  }

  public dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One resource's planned change. */
export interface PlannedChange {
  address: string;
  type: string;
  name: string;
  mode: string;
  change: {
    actions: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    after_unknown: Record<string, unknown>;
  };
}

/** What `terraform show -json <plan>` gives (the parts the tests read). */
export interface PlanJson {
  resource_changes: PlannedChange[];
  planned_values: {
    root_module: {
      resources?: { address: string; type: string; name: string; values: Record<string, unknown> }[];
    };
  };
}
