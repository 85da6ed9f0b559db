/**
 * Finds references to paths outside the repository in a file's text: the team's shelf documents (which never were part
 * of the repository), absolute paths of a developer's machine, and relative paths that climb above the repository
 * root. A clone must be readable on its own; docs/contract.md holds what the shelf used to.
 *
 * A relative path is judged only where its base is known: a Markdown link (the file's folder), a module specifier or a
 * path joined to `__dirname` in code, and any `../` path in other text files (compose files, shell scripts, JSON).
 * Code strings with another base, such as the synthesized stack's `working_dir` (`../../../..` from
 * `infra/cdktf.out/stacks/<env>/`), are not guesses this check makes.
 */
import path from 'node:path';

/** One offending reference: where, what, and which rule. */
export interface OutsideReference {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly rule: string;
}

/** Names of the shelf's documents. A tracked file of the same name (added later, on purpose) is not flagged. */
const SHELF_NAMES = /\b(CONVENTIONS\.md|CONVENTIONS §|TOOLCHAIN-NOTES|STYLE\.md)/g;

/** The shelf's folder, beside the repository root. */
export const SHELF_FOLDER_NAME = 'shared';

/** The shelf folder reached by climbing (`..` steps, then its name) from any folder. */
const SHELF_FOLDER = new RegExp(String.raw`(?<![\w.-])(?:\.\.\/)+${SHELF_FOLDER_NAME}\b`, 'g');

/**
 * Absolute paths of a developer machine: `/work/…`, `/root/…`, `/home/<user>/…`, `/Users/<user>/…`. The look-behind
 * keeps URLs (`https://host/home/x`) and longer paths (`/tmp/work/x`) out: the path must start the token.
 */
const MACHINE_PATHS = /(?<![\w.~/:@-])\/(?:work|root|home\/[\w.-]+|Users\/[\w.-]+)\/[\w.-][^\s'"`)<>]*/g;

/** A relative path starting with `..`: `../x`, `'..'`, `../../..`; never `...spread` or `1..5`. */
const PARENT_PATH = /(?<![\w.\\/-])\.\.(?:\/[\w.@-]+)*(?![\w-])/g;

const MARKDOWN_TARGETS = [/\]\(\s*<?([^)\s>]+)/g, /^\s*\[[^\]]+\]:\s*<?([^\s>]+)/g, /\bsrc="([^"]+)"/g];
const MODULE_SPECIFIERS = [/\bfrom\s+['"]([^'"]+)['"]/g, /\b(?:require|import)\(\s*['"]([^'"]+)['"]/g];
const STRING_LITERAL = /'([^']*)'|"([^"]*)"|`([^`$]*)`/g;

type Kind = 'markdown' | 'code' | 'dockerfile' | 'text';

function kindOf(file: string): Kind {
  if (/\.md$/i.test(file)) return 'markdown';
  if (/\.(ts|tsx|js|cjs|mjs|snap)$/.test(file)) return 'code';
  // Paths in a Dockerfile are the image's (`/home/node`), and its COPY sources are context-relative.
  if (/(^|\/)Dockerfile(\.[\w.-]+)?$|\.dockerfile$/i.test(file)) return 'dockerfile';
  return 'text';
}

/** Does `target`, relative to `folder` (repository-relative, `.` for the root), leave the repository? */
function escapes(folder: string, target: string): boolean {
  const resolved = path.posix.normalize(path.posix.join(folder, target));
  return resolved === '..' || resolved.startsWith('../');
}

/** The relative paths of one line whose base is known, by the file's kind. */
function relativePaths(kind: Kind, content: string): string[] {
  const all = (patterns: readonly RegExp[]) =>
    patterns.flatMap((pattern) => [...content.matchAll(pattern)].map((m) => m[1] ?? ''));
  switch (kind) {
    case 'markdown':
      return all(MARKDOWN_TARGETS).filter((t) => !/^[a-z][a-z0-9+.-]*:|^#/i.test(t));
    case 'code': {
      const specifiers = all(MODULE_SPECIFIERS).filter((s) => s.startsWith('.'));
      // `path.join(__dirname, '..', 'x')`: the literals after __dirname on its line, joined in order.
      const at = content.search(/__dirname|import\.meta\.dirname/);
      if (at < 0) return specifiers;
      const parts = [...content.slice(at).matchAll(STRING_LITERAL)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
      return parts.length > 0 ? [...specifiers, parts.join('/')] : specifiers;
    }
    case 'text':
      return [...content.matchAll(PARENT_PATH)].map((m) => m[0]);
    case 'dockerfile':
      return [];
  }
}

/**
 * Lists the outside references in one file.
 *
 * @param file - the file's path relative to the repository root, with `/` separators
 * @param text - its contents
 * @param trackedNames - base names of the repository's files (a shelf name that exists here is the repository's own)
 * @example
 * outsideReferences('README.md', 'see STYLE.md and [notes](../notes.md)', new Set()); // two findings, line 1
 */
export function outsideReferences(
  file: string,
  text: string,
  trackedNames: ReadonlySet<string>,
): OutsideReference[] {
  const found: OutsideReference[] = [];
  const kind = kindOf(file);
  const folder = path.posix.dirname(file);
  text.split('\n').forEach((content, index) => {
    const at = (match: string, rule: string) => found.push({ file, line: index + 1, text: match, rule });
    for (const match of content.matchAll(SHELF_NAMES)) {
      const name = match[1] ?? '';
      if (!trackedNames.has(name.replace(/ §$/, '.md')))
        at(name, 'names a shelf document outside the repository');
    }
    for (const match of content.matchAll(SHELF_FOLDER))
      at(match[0], 'points at the shelf folder outside the repository');
    if (kind !== 'dockerfile') {
      for (const match of content.matchAll(MACHINE_PATHS))
        at(match[0], "is an absolute path on a developer's machine");
    }
    for (const target of relativePaths(kind, content)) {
      if (escapes(folder, target) && !path.posix.normalize(target).split('/').includes(SHELF_FOLDER_NAME))
        at(target, `climbs above the repository root from ${folder === '.' ? 'the root' : folder}/`);
    }
  });
  return found;
}
