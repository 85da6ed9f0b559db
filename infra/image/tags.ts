/**
 * Image tags the pipeline pushes: `src-<first 32 hex of the content hash>-<arch>`. The same sources built for
 * another architecture are another image, and ECR tags are immutable, so the architecture is part of the tag.
 */
import { CONTENT_HASH_PATTERN } from './context-hash';
import { BuildContextError } from './errors';

/** Platforms Lambda runs container images on (`x86_64` = `linux/amd64`, `arm64` = `linux/arm64`). */
export const IMAGE_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type ImagePlatform = (typeof IMAGE_PLATFORMS)[number];

/** Tags {@link imageTagFor} produces. */
export const IMAGE_TAG_PATTERN = /^src-[0-9a-f]{32}-(amd64|arm64)$/;

/**
 * The tag an image built from a context with this hash, for this platform, is pushed under.
 *
 * @example
 * ```ts
 * imageTagFor(hash, 'linux/amd64'); // 'src-3f2a…(32 hex)-amd64'
 * ```
 * @throws {@link BuildContextError} when `hash` is not a 64-character lowercase hex SHA-256.
 */
export function imageTagFor(hash: string, platform: ImagePlatform): string {
  if (!CONTENT_HASH_PATTERN.test(hash)) {
    throw new BuildContextError(`not a content hash (64 lowercase hex characters): ${hash}`);
  }
  return `src-${hash.slice(0, 32)}-${platform.replace('linux/', '')}`;
}
