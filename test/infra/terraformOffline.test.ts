/**
 * Runs the real Terraform CLI against the synthesized JSON, fully offline: providers come from a local filesystem
 * mirror, the provider gets mock credentials and `skip_*` flags, and planning reads nothing remote. The stack pins
 * the aws provider of @cdktf/provider-aws (6.x); the mirror on these machines holds 5.100.0, so only this check
 * rewrites the version constraint to the mirror's. Skips (saying why in the suite name) where terraform or a
 * mirror is missing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../infra/app';
import { CONFIG_DIR, REPO_ROOT, RUNS_FILE, SYNTH_OUTDIR, stackDirectory } from '../../infra/paths';
import {
  mirror,
  offlineSkipReason as skipReason,
  TERRAFORM,
  terraformMissing,
  Workspace,
  type PlannedChange,
} from './support/offlineTerraform';
import {
  IMAGE_BUILD,
  PINNED_IMAGE,
  synthStack,
  withBatch,
  type TerraformJson,
} from './support/stackFixtures';

const suite = skipReason === undefined ? describe : describe.skip;
const provisionerSuite = terraformMissing === undefined ? describe : describe.skip;
if (skipReason !== undefined) console.warn(`terraform validate/plan checks skipped: ${skipReason}`);

suite(
  `terraform validate and plan, offline${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    jest.setTimeout(180_000);

    describe('with an image built by Terraform, a created bucket and batch inference', () => {
      let workspace: Workspace;
      let changes: PlannedChange[];
      let declared: number;

      beforeAll(() => {
        const { tf } = synthStack(withBatch, IMAGE_BUILD);
        declared = Object.values(tf.resource).reduce((sum, byId) => sum + Object.keys(byId).length, 0);
        workspace = new Workspace(tf, mirror!);
        workspace.run('init', '-backend=false', '-input=false', '-no-color');
        workspace.run('plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=plan.bin');
        changes = (
          JSON.parse(workspace.run('show', '-json', 'plan.bin')) as { resource_changes: PlannedChange[] }
        ).resource_changes;
      });
      afterAll(() => workspace.dispose());

      it('is valid Terraform with no errors or warnings', () => {
        // Prepare / Act
        const result = JSON.parse(workspace.run('validate', '-json', '-no-color')) as {
          valid: boolean;
          error_count: number;
          warning_count: number;
          diagnostics: unknown[];
        };

        // Assess
        expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      });

      it('plans to create every resource of the stack and nothing else', () => {
        // Prepare / Act
        const managed = changes.filter((c) => c.mode === 'managed');

        // Assess
        expect(managed).toHaveLength(declared);
        expect(managed.every((c) => c.change.actions.join() === 'create')).toBe(true);
        expect(new Set(managed.map((c) => c.type))).toEqual(
          new Set([
            'aws_cloudwatch_dashboard',
            'aws_cloudwatch_log_group',
            'aws_cloudwatch_metric_alarm',
            'aws_ecr_lifecycle_policy',
            'aws_ecr_repository',
            'aws_iam_policy',
            'aws_iam_role',
            'aws_iam_role_policy',
            'aws_kinesis_stream',
            'aws_lambda_alias',
            'aws_lambda_event_source_mapping',
            'aws_lambda_function',
            'aws_lambda_permission',
            'aws_s3_bucket',
            'aws_s3_bucket_lifecycle_configuration',
            'aws_s3_bucket_notification',
            'aws_s3_bucket_ownership_controls',
            'aws_s3_bucket_policy',
            'aws_s3_bucket_public_access_block',
            'aws_s3_bucket_server_side_encryption_configuration',
            'aws_s3_bucket_versioning',
            'aws_sns_topic',
            'aws_sns_topic_subscription',
            'aws_sqs_queue',
            'terraform_data',
          ]),
        );
      });

      it('plans the hardened event source mapping as configured', () => {
        // Prepare / Act
        const mapping = changes.find((c) => c.type === 'aws_lambda_event_source_mapping')?.change.after;

        // Assess
        expect(mapping).toMatchObject({
          starting_position: 'TRIM_HORIZON',
          batch_size: 250,
          function_response_types: ['ReportBatchItemFailures'],
          bisect_batch_on_function_error: true,
          maximum_retry_attempts: 4,
          maximum_record_age_in_seconds: 7200,
          parallelization_factor: 3,
        });
      });

      it('reads the image digest only at apply time, after the build', () => {
        // Prepare / Act
        const image = changes.find((c) => c.address.startsWith('data.aws_ecr_image.'));
        const functions = changes.filter((c) => c.type === 'aws_lambda_function');

        // Assess
        expect(image?.change.actions).toEqual(['read']);
        expect(functions).toHaveLength(2); // the scorer and the batch function: one image
        for (const fn of functions) expect(fn.change.after_unknown).toMatchObject({ image_uri: true });
      });
    });

    describe('with a CI-built image, an existing bucket and batch inference on another existing bucket', () => {
      let workspace: Workspace;

      beforeAll(() => {
        const { tf } = synthStack((c) => {
          withBatch(c);
          c.batch = { ...c.batch!, enabled: true, bucket: 'team-batch-files' };
          c.image = { uri: PINNED_IMAGE };
          c.model.bucket = { mode: 'existing', name: 'team-models' };
          c.backend = { type: 's3', bucket: 'team-tf-state', key: 'wine/stage.tfstate', region: 'eu-west-1' };
        }, undefined);
        workspace = new Workspace(tf, mirror!);
        workspace.run('init', '-backend=false', '-input=false', '-no-color');
      });
      afterAll(() => workspace.dispose());

      it('is valid Terraform with no errors or warnings', () => {
        // Prepare / Act
        const result = JSON.parse(workspace.run('validate', '-json', '-no-color')) as Record<string, unknown>;

        // Assess
        expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      });
    });
  },
);

/**
 * The image build exactly as `terraform apply` runs it: the real repository's stage stack is synthesized, its
 * `terraform_data` build resource is applied on its own (built-in provider, no AWS) with the provisioner's command
 * switched to `--dry-run` and the repository URL filled in. Proves the command, its working directory and the
 * synth-time content hash agree with what the script computes at apply time.
 */
provisionerSuite(
  `the image build provisioner under terraform apply${terraformMissing === undefined ? '' : ` (skipped: ${terraformMissing})`}`,
  () => {
    jest.setTimeout(120_000);
    const outdir = path.join(SYNTH_OUTDIR, `provisioner-check-${process.pid}`);
    let output: string;
    let trigger: { content_hash: string; platform: string };

    beforeAll(() => {
      const { app } = buildApp({
        outdir,
        repoRoot: REPO_ROOT,
        configDir: CONFIG_DIR,
        runsFile: RUNS_FILE,
        environments: ['stage'],
      });
      app.synth();
      const stackDir = stackDirectory(outdir, 'stage');
      const tf = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as TerraformJson;
      const [id, build] = Object.entries(tf.resource.terraform_data ?? {})[0]!;
      trigger = build.triggers_replace as typeof trigger;
      const repositoryUrl = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/wine-quality-stage-scorer';
      const provisioners = (build.provisioner as { 'local-exec': { command: string } }[]).map((p) => ({
        'local-exec': {
          ...p['local-exec'],
          command: `${p['local-exec'].command.replace(/\$\{aws_ecr_repository\.[^}]+\}/g, repositoryUrl)} --dry-run`,
        },
      }));
      const onlyBuild = {
        resource: {
          terraform_data: {
            [id]: {
              triggers_replace: { ...trigger, repository_url: repositoryUrl },
              provisioner: provisioners,
            },
          },
        },
      };
      rmSync(path.join(stackDir, 'cdk.tf.json'));
      writeFileSync(path.join(stackDir, 'main.tf.json'), JSON.stringify(onlyBuild, null, 1));
      const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
      const run = (...args: string[]): string => {
        const result = spawnSync(TERRAFORM, args, { cwd: stackDir, env, encoding: 'utf8' });
        if (result.status !== 0)
          throw new Error(`${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
        return result.stdout;
      };
      run('init', '-input=false', '-no-color');
      output = run('apply', '-auto-approve', '-input=false', '-no-color');
    });
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it('runs the push script from the repository root with the content hash synth computed', () => {
      // Prepare / Act / Assess
      expect(output).toContain(`[image] build context:`);
      expect(output).toContain(`content hash ${trigger.content_hash}`);
      expect(output).toContain('Apply complete! Resources: 1 added');
    });

    it('would build for the configured platform and push the content-hash tag', () => {
      // Prepare
      const reference = `wine-quality-stage-scorer:src-${trigger.content_hash.slice(0, 32)}-amd64`;

      // Act / Assess
      expect(trigger.platform).toBe('linux/amd64');
      expect(output).toContain(
        `would run: docker build --platform linux/amd64 --provenance=false --file Dockerfile`,
      );
      expect(output).toContain(
        `would run: docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/${reference}`,
      );
    });
  },
);
