/**
 * Every relative link and every `#anchor` in README.md and docs/*.md resolves: the file exists inside the repository,
 * and the anchor is a heading of the linked Markdown file as GitHub names it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { githubSlug, markdownAnchors, markdownLinks } from './markdownLinks';

const ROOT = path.resolve(__dirname, '../../..');

const pages = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const anchorsOf = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  let found = anchorsOf.get(file);
  if (!found) {
    found = markdownAnchors(fs.readFileSync(path.join(ROOT, file), 'utf8'));
    anchorsOf.set(file, found);
  }
  return found;
}

/** Why a link from `page` does not resolve, or `undefined` when it does. External links are not followed. */
function brokenBecause(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [rawPath = '', anchor] = target.split('#', 2);
  const file =
    rawPath === ''
      ? page
      : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(rawPath)));
  if (file.startsWith('../')) return 'leaves the repository';
  if (!fs.existsSync(path.join(ROOT, file))) return `${file} does not exist`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md')) return `${file} is not Markdown, so #${anchor} cannot be checked`;
  return anchors(file).has(anchor) ? undefined : `${file} has no heading with anchor #${anchor}`;
}

describe('documentation links', () => {
  it('finds the README and the docs pages', () => {
    // Assess
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/contract.md']));
  });

  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    // Prepare
    const links = markdownLinks(fs.readFileSync(path.join(ROOT, page), 'utf8'));

    // Act
    const broken = links.flatMap(({ line, target }) => {
      const why = brokenBecause(page, target);
      return why === undefined ? [] : [`${page}:${line}: ${target}: ${why}`];
    });

    // Assess
    expect(broken).toEqual([]);
  });

  it('numbers the contract sections the code cites as docs/contract.md §N', () => {
    // Prepare
    const contract = anchors('docs/contract.md');

    // Act
    const sections = [
      '1-input-record',
      '2-prediction-event',
      '3-model-artifacts-in-s3',
      '4-quarantine',
      '5-function-configuration',
      '6-handler-response',
      '7-local-stack-defaults',
      '8-exit-codes',
      '9-the-default-run',
    ].filter((anchor) => !contract.has(anchor));

    // Assess
    expect(sections).toEqual([]);
  });
});

describe('reading Markdown as GitHub does', () => {
  it.each([
    ['1. Input record', '1-input-record'],
    ['Reliability: what is proven and how', 'reliability-what-is-proven-and-how'],
    ['`npm start`', 'npm-start'],
    ['End to end: `npm run bench:e2e`', 'end-to-end-npm-run-benche2e'],
    ['arm64: what is verified, and what is not', 'arm64-what-is-verified-and-what-is-not'],
    ['The [model](docs/model.md) *and* its data', 'the-model-and-its-data'],
    ['Émission — coûts', 'émission--coûts'],
  ])('names the heading %j #%s', (heading, slug) => {
    // Act
    const anchor = githubSlug(heading);

    // Assess
    expect(anchor).toBe(slug);
  });

  it('numbers duplicate headings -1, -2 and ignores headings inside code fences', () => {
    // Prepare
    const markdown = ['# Setup', '## Setup', '```', '# Setup', '```', '### Setup', '#### Notes'].join('\n');

    // Act
    const found = [...markdownAnchors(markdown)];

    // Assess
    expect(found).toEqual(['setup', 'setup-1', 'setup-2', 'notes']);
  });

  it('finds links in prose and reference definitions, not in code', () => {
    // Prepare
    const markdown = [
      'See [the contract](docs/contract.md#4-quarantine) and ![shot](docs/drift-report.png).',
      'Not a link: `[x](nowhere.md)`.',
      '```',
      '[y](nowhere-either.md)',
      '```',
      '[ref]: docs/model.md',
    ].join('\n');

    // Act
    const found = markdownLinks(markdown).map((l) => `${l.line} ${l.target}`);

    // Assess
    expect(found).toEqual(['1 docs/contract.md#4-quarantine', '1 docs/drift-report.png', '6 docs/model.md']);
  });

  it('reports a missing file, a missing anchor and a link out of the repository', () => {
    // Act
    const why = [
      brokenBecause('README.md', 'docs/nope.md'),
      brokenBecause('README.md', 'docs/contract.md#10-nothing'),
      brokenBecause('docs/model.md', '../../elsewhere.md'),
      brokenBecause('docs/model.md', '#measured'),
      brokenBecause('README.md', 'https://example.com/#anything'),
    ];

    // Assess
    expect(why).toEqual([
      'docs/nope.md does not exist',
      'docs/contract.md has no heading with anchor #10-nothing',
      'leaves the repository',
      undefined,
      undefined,
    ]);
  });
});
