/**
 * Reads the links and headings of a Markdown file the way GitHub renders it, so a test can check that every relative
 * link reaches a file and every `#anchor` a heading. Hand-written (≈ 60 lines) because the repository has no Markdown
 * parser among its dependencies and only links, headings and code need recognising.
 */

/** A link found in the file. */
export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)/;
const HTML_ANCHOR = /<a\s[^>]*(?:id|name)="([^"]+)"/g;

/**
 * The file's lines outside fenced code blocks: `raw`, and `text` with inline code spans blanked out (a link written in
 * code is not a link).
 */
function proseLines(markdown: string): { line: number; raw: string; text: string }[] {
  const lines: { line: number; raw: string; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = FENCE.exec(text)?.[1];
    if (marker !== undefined && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined)
      lines.push({ line: index + 1, raw: text, text: text.replace(/(`+)[^`]*?\1/g, '``') });
  });
  return lines;
}

/** Every link target outside code: inline links, images and reference definitions. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  return proseLines(markdown).flatMap(({ line, text }) => {
    const definition = REFERENCE_DEFINITION.exec(text)?.[1];
    const inline = [...text.matchAll(INLINE_LINK)].map((m) => m[1] ?? '');
    return [...inline, ...(definition === undefined ? [] : [definition])].map((target) => ({ line, target }));
  });
}

/**
 * GitHub's anchor for a heading's text: the rendered text lower-cased, characters other than letters, digits, marks,
 * spaces, `-` and `_` dropped, each space turned into `-` (github-slugger's rule).
 */
export function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/`([^`]*)`/g, '$1') // code spans keep their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/(\*\*|__|\*|_)(?=\S)([^*_]*?\S)\1/g, '$2'); // emphasis
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a file's headings (and explicit `<a id>` / `<a name>`) get, duplicates numbered `-1`, `-2`, … */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { raw } of proseLines(markdown)) {
    for (const match of raw.matchAll(HTML_ANCHOR)) anchors.add(match[1] ?? '');
    const heading = HEADING.exec(raw)?.[2];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
