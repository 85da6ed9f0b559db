/**
 * The README is a door, not an encyclopedia: short enough to read at once, and every page of docs/ is reachable from
 * it. Details belong in docs/ (see links.test.ts for the links themselves).
 */
import fs from 'node:fs';
import path from 'node:path';
import { markdownLinks } from './markdownLinks';

const ROOT = path.resolve(__dirname, '../../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The project's hard limit for the README. */
const MAX_README_LINES = 200;

describe('README.md', () => {
  it(`stays within ${MAX_README_LINES} lines`, () => {
    // Act
    const lines = README.trimEnd().split('\n').length;

    // Assess
    expect(lines).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it('links every page of docs/', () => {
    // Prepare
    const pages = fs
      .readdirSync(path.join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`);
    const linked = new Set(markdownLinks(README).map(({ target }) => target.split('#')[0]));

    // Act
    const unlinked = pages.filter((page) => !linked.has(page));

    // Assess
    expect(pages.length).toBeGreaterThan(0);
    expect(unlinked).toEqual([]);
  });
});
