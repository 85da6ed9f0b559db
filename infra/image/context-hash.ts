/**
 * Content hash of a docker build context: every file `docker build` would send (all files under the context
 * directory not excluded by its `.dockerignore`, with Docker's own matching rules), plus the Dockerfile and the
 * `.dockerignore` themselves. Infra uses it as the rebuild trigger and the image tag, so any change to anything that
 * goes into the image — sources, lockfile, Dockerfile, build scripts — gives a new tag, and nothing else does.
 *
 * Honouring `.dockerignore` (rather than a hand-kept file list) is what keeps the trigger from drifting away from
 * the image: the reference implementation hashed two files and missed rebuilds.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { BuildContextError } from './errors';

/** A full content hash: 64 lowercase hex characters (SHA-256). */
export const CONTENT_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Paths that must never be part of the build context: dependencies (the image installs its own), VCS data (would
 * change the hash on every commit) and infra output (the synthesized stack embeds this hash: a context that
 * contains it could never settle). Finding one means `.dockerignore` is incomplete.
 */
export const FORBIDDEN_CONTEXT_PREFIXES = [
  '.git/',
  'node_modules/',
  'infra/cdktf.out/',
  '.terraform/',
] as const;

/** Options of {@link computeContextHash}. */
export interface ContextHashOptions {
  /** Dockerfile path relative to the context directory. Default `Dockerfile`. */
  readonly dockerfile?: string;
  /** Relative path prefixes that fail the hash when present in the context. Default {@link FORBIDDEN_CONTEXT_PREFIXES}. */
  readonly forbiddenPrefixes?: readonly string[];
}

/** Result of {@link computeContextHash}. */
export interface ContextHash {
  /** SHA-256 over every file's relative path, executable bit and content, in sorted path order. */
  readonly hash: string;
  /** The files that went into the hash (relative, `/`-separated, sorted). */
  readonly files: readonly string[];
}

/**
 * Hashes the docker build context rooted at `contextDir`.
 *
 * @param contextDir - directory passed to `docker build` as its context.
 * @param options - Dockerfile location and forbidden prefixes.
 * @returns the hash and the list of files it covers.
 * @throws {@link BuildContextError} when the Dockerfile is missing or the context contains a forbidden path.
 * @example
 * ```ts
 * const { hash, files } = computeContextHash(process.cwd());
 * console.log(`${hash} covers ${files.length} files`);
 * ```
 */
export function computeContextHash(contextDir: string, options: ContextHashOptions = {}): ContextHash {
  const root = path.resolve(contextDir);
  const dockerfile = toPosix(options.dockerfile ?? 'Dockerfile');
  if (!existsSync(path.join(root, dockerfile))) {
    throw new BuildContextError(`no Dockerfile at ${path.join(root, dockerfile)}`);
  }
  const patterns = readDockerignorePatterns(root);
  const matcher = dockerignore().add(patterns);
  const reincludes = patterns.filter((p) => p.startsWith('!')).map((p) => literalPrefix(p.slice(1)));

  const files = new Set<string>();
  walk(
    root,
    '',
    (rel) => !matcher.ignores(rel),
    (dir) => !matcher.ignores(dir) || mayReinclude(dir, reincludes),
    files,
  );
  // Docker always sends these two (it needs them), even when .dockerignore lists them.
  files.add(dockerfile);
  if (existsSync(path.join(root, '.dockerignore'))) files.add('.dockerignore');

  const sorted = [...files].sort();
  const forbidden = options.forbiddenPrefixes ?? FORBIDDEN_CONTEXT_PREFIXES;
  for (const prefix of forbidden) {
    const hits = sorted.filter((f) => f.startsWith(prefix));
    if (hits.length > 0) {
      throw new BuildContextError(
        `the docker build context includes ${prefix} (${hits.length} files, e.g. ${hits[0] ?? ''}); ` +
          `exclude it in ${path.join(root, '.dockerignore')}`,
      );
    }
  }

  const digest = createHash('sha256');
  for (const rel of sorted) {
    digest.update(`${rel}\0${fileFingerprint(path.join(root, rel))}\n`);
  }
  return { hash: digest.digest('hex'), files: sorted };
}

/** The patterns of `<root>/.dockerignore` (empty when there is none), comments and blank lines removed. */
export function readDockerignorePatterns(root: string): string[] {
  const file = path.join(root, '.dockerignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Type, executable bit and content (or link target) of one context entry, as a short string. */
function fileFingerprint(absolute: string): string {
  const stat = lstatSync(absolute);
  if (stat.isSymbolicLink()) return `link:${readlinkSync(absolute)}`;
  const executable = (stat.mode & 0o111) !== 0 ? 'x' : '-';
  return `${executable}:${createHash('sha256').update(readFileSync(absolute)).digest('hex')}`;
}

function walk(
  root: string,
  relDir: string,
  includeFile: (rel: string) => boolean,
  enterDir: (rel: string) => boolean,
  out: Set<string>,
): void {
  const entries = readdirSync(path.join(root, relDir), { withFileTypes: true });
  for (const entry of entries) {
    const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (enterDir(rel)) walk(root, rel, includeFile, enterDir, out);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && includeFile(rel)) {
      out.add(rel);
    }
  }
}

/**
 * Whether a `!pattern` could re-include something under an excluded directory. Conservative: a pattern whose
 * literal prefix is empty (starts with a wildcard) may match anywhere, so the walk descends. Pruning only saves
 * time; each file is still checked against the full matcher.
 */
function mayReinclude(dir: string, reincludePrefixes: readonly string[]): boolean {
  const dirSlash = `${dir}/`;
  return reincludePrefixes.some(
    (prefix) => prefix === '' || prefix === dir || prefix.startsWith(dirSlash) || dirSlash.startsWith(prefix),
  );
}

/** The part of a pattern before its first glob metacharacter, with leading `/` and `./` removed. */
function literalPrefix(pattern: string): string {
  const cleaned = toPosix(pattern.trim()).replace(/^(\.\/|\/)+/, '');
  const firstGlob = cleaned.search(/[*?[\\]/);
  return firstGlob === -1 ? cleaned : cleaned.slice(0, firstGlob);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
