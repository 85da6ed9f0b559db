/**
 * Where model.yml reads labelled training data from: an S3 object, an HTTPS URL, or a file in the repository (such as
 * the committed `model/data/winequality-white.csv`). Pure: parsing only; `fetch-data.ts` does the reading.
 */
import path from 'node:path';

/** A location the workflow cannot use; the message quotes it and says what is accepted. */
export class DataLocationError extends Error {
  override readonly name = 'DataLocationError';
}

export type DataLocation =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'https'; readonly url: string }
  | { readonly kind: 'repository'; readonly file: string };

const ACCEPTED = 'expected s3://<bucket>/<key>, https://<host>/<path>, or a file path inside the repository';
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/**
 * Parses a data location.
 *
 * @param text - the workflow input or repository variable
 * @param repoRoot - the checkout; repository paths are resolved against it and must stay inside it
 * @throws {@link DataLocationError} for anything else (plain http, other schemes, paths leaving the repository)
 */
export function parseDataLocation(text: string, repoRoot: string): DataLocation {
  const value = text.trim();
  const quoted = JSON.stringify(text);
  if (value === '') throw new DataLocationError(`the data location is empty: ${ACCEPTED}`);
  if (value.startsWith('s3://')) {
    const match = S3_URL.exec(value);
    if (match === null) throw new DataLocationError(`${quoted} is not an S3 object URL: ${ACCEPTED}`);
    return { kind: 's3', bucket: match[1] ?? '', key: match[2] ?? '' };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DataLocationError(`${quoted} is not a URL: ${ACCEPTED}`);
    }
    if (url.protocol !== 'https:') {
      throw new DataLocationError(`${quoted} uses ${url.protocol.replace(':', '')}: ${ACCEPTED}`);
    }
    return { kind: 'https', url: url.href };
  }
  const root = path.resolve(repoRoot);
  const file = path.resolve(root, value);
  if (path.isAbsolute(value) || !file.startsWith(`${root}${path.sep}`)) {
    throw new DataLocationError(`${quoted} is outside the repository: ${ACCEPTED}`);
  }
  return { kind: 'repository', file };
}
