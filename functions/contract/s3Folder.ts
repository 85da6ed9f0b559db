/**
 * S3 folders written as `s3://bucket/prefix` (QUARANTINE_LOCATION, MODEL_LOCATION, the local stack's on-failure
 * destination, the monitor's options): one parser and one printer for the function, the scripts and the
 * infrastructure. No imports, so the infra app can read it cheaply.
 */

/** S3 naming rules for general purpose buckets: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit. */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** An S3 folder: bucket plus key prefix without leading or trailing slash (may be empty: the whole bucket). */
export interface S3Folder {
  readonly bucket: string;
  readonly prefix: string;
}

/** Text that is not an `s3://bucket/prefix` URL; `reason` completes a sentence that names the setting. */
export class S3UrlError extends Error {
  readonly url: string;
  /** e.g. `names "Bad_Bucket", which is not a valid S3 bucket name`. */
  readonly reason: string;

  constructor(url: string, reason: string) {
    super(`${JSON.stringify(url)} ${reason}`);
    this.name = 'S3UrlError';
    this.url = url;
    this.reason = reason;
  }
}

/** Whether `text` is meant as an S3 URL (and so must parse as one) rather than, say, a local path. */
export function isS3Url(text: string): boolean {
  return text.startsWith('s3://');
}

/**
 * Parses `s3://bucket[/prefix]`; slashes around the prefix are dropped.
 *
 * @throws S3UrlError when the text is not an s3:// URL or the bucket name breaks S3's naming rules
 * @example
 * parseS3Folder('s3://wine-models/quarantine/'); // { bucket: 'wine-models', prefix: 'quarantine' }
 */
export function parseS3Folder(url: string): S3Folder {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!match) throw new S3UrlError(url, 'must be s3://bucket/prefix');
  const bucket = match[1] ?? '';
  if (!S3_BUCKET_NAME.test(bucket)) {
    throw new S3UrlError(url, `names "${bucket}", which is not a valid S3 bucket name`);
  }
  return { bucket, prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/**
 * The URL of a folder (`s3://bucket/prefix`), or of the object `key` inside it (`s3://bucket/prefix/key`; an empty
 * key gives the folder with its trailing slash, ready for file names to be appended).
 *
 * @example
 * s3Url({ bucket: 'wine-models', prefix: 'quarantine' }); // 's3://wine-models/quarantine'
 * s3Url({ bucket: 'wine-models', prefix: '1/run' }, 'signature.json'); // 's3://wine-models/1/run/signature.json'
 */
export function s3Url(folder: S3Folder, key?: string): string {
  return `s3://${folder.bucket}/${key === undefined ? folder.prefix : s3Key(folder, key)}`;
}

/** The object key of `name` inside a folder (no leading slash when the prefix is empty). */
export function s3Key(folder: S3Folder, name: string): string {
  return folder.prefix === '' ? name : `${folder.prefix}/${name}`;
}
