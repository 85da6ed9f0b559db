/**
 * The function's container image: an ECR repository (immutable tags, scan on push, encrypted, lifecycle policy)
 * and either
 * - a build driven by Terraform: a `terraform_data` resource whose replacement trigger is the content hash of the
 *   docker build context, with a local-exec provisioner that runs `infra/image/build-and-push.ts`; then
 *   `data.aws_ecr_image` reads the pushed tag, and the function gets `repository@sha256:<digest>`; or
 * - a CI-built image passed in already pinned by digest (nothing is built).
 *
 * `terraform_data` is Terraform's built-in successor of `null_resource` (Terraform ≥ 1.4, OpenTofu ≥ 1.6): same
 * trigger-and-provisioner pattern, but no `hashicorp/null` provider to download, pin and mirror.
 */
import { Construct } from 'constructs';
import { DataResource } from 'cdktf';
import { DataAwsEcrImage } from '@cdktf/provider-aws/lib/data-aws-ecr-image';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { imageTagFor, type ImagePlatform } from '../image/tags';

/** How Terraform builds the image (see the module comment). */
export interface ImageBuildOptions {
  /** Content hash of the build context, computed at synth by `computeContextHash`. */
  readonly contentHash: string;
  /** Repository root as seen from the synthesized stack directory (where terraform runs), e.g. `../../../..`. */
  readonly workingDirectory: string;
  /** Docker build context relative to {@link workingDirectory}. */
  readonly contextDir: string;
  /** Dockerfile relative to the context. */
  readonly dockerfile: string;
  /** Must match the function's architecture (`x86_64` → `linux/amd64`, `arm64` → `linux/arm64`). */
  readonly platform: ImagePlatform;
}

/** Options of {@link ScoringImage}: build it here, or use a CI-built image — never both. */
export type ScoringImageOptions = {
  readonly repositoryName: string;
  /** The lifecycle policy keeps this many most recent images (older ones expire). */
  readonly keepImages: number;
  /** Allow `destroy` to delete the repository while it still holds images. */
  readonly forceDelete: boolean;
} & (
  | { readonly build: ImageBuildOptions; readonly imageUri?: never }
  | { readonly imageUri: string; readonly build?: never }
);

/** ECR repository plus a digest-pinned image URI for the function. */
export class ScoringImage extends Construct {
  public readonly repository: EcrRepository;
  /** `repository@sha256:…` — what the function runs. */
  public readonly imageUri: string;
  /** The content-hash tag built here, or `undefined` for a CI-built image. */
  public readonly imageTag: string | undefined;
  /** The resource whose replacement rebuilds and pushes the image, or `undefined` for a CI-built image. */
  public readonly build: DataResource | undefined;

  public constructor(scope: Construct, id: string, options: ScoringImageOptions) {
    super(scope, id);
    this.repository = new EcrRepository(this, 'repository', {
      name: options.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: options.forceDelete,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Expire untagged images one day after push',
            selection: {
              tagStatus: 'untagged',
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: 1,
            },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: `Keep the ${options.keepImages} most recent images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: options.keepImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });

    if (options.imageUri !== undefined) {
      this.imageUri = options.imageUri;
      this.imageTag = undefined;
      this.build = undefined;
      return;
    }

    const { build } = options;
    const tag = imageTagFor(build.contentHash, build.platform);
    this.imageTag = tag;
    const command = [
      'npx tsx infra/image/build-and-push.ts',
      `--repository-url ${this.repository.repositoryUrl}`,
      `--content-hash ${build.contentHash}`,
      `--context ${build.contextDir}`,
      `--file ${build.dockerfile}`,
      `--platform ${build.platform}`,
    ].join(' ');
    this.build = new DataResource(this, 'build', {
      // Replaced (and so re-provisioned: build + push) exactly when the context's content, the platform or the
      // repository changes.
      triggersReplace: {
        content_hash: build.contentHash,
        platform: build.platform,
        repository_url: this.repository.repositoryUrl,
      },
      input: { image_tag: tag },
      provisioners: [{ type: 'local-exec', command, workingDir: build.workingDirectory }],
    });
    const pushed = new DataAwsEcrImage(this, 'pushed', {
      repositoryName: this.repository.name,
      imageTag: tag,
      dependsOn: [this.build],
    });
    this.imageUri = `${this.repository.repositoryUrl}@${pushed.imageDigest}`;
  }
}
