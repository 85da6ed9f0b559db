/**
 * The GitHub Actions workflows as the checks read them: each file's text, its parsed YAML, and a normalized view of
 * jobs and steps (environment and concurrency in one shape, the version comment of every `uses:`). Pure apart from
 * {@link loadWorkflows}, which reads `.github/workflows/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isScalar, parseDocument, type Document } from 'yaml';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** One step of a job. */
export interface WorkflowStep {
  /** `name`, else what it uses or runs (its first line), else `id` (for messages). */
  readonly label: string;
  readonly uses: string | undefined;
  /** The comment after `uses:` on the same line, e.g. `v6.0.2`. */
  readonly usesComment: string | undefined;
  readonly run: string | undefined;
  readonly if: string | undefined;
  readonly with: Readonly<Json>;
  readonly env: Readonly<Json>;
  readonly continueOnError: unknown;
}

/** One job, normalized. */
export interface WorkflowJob {
  readonly id: string;
  readonly raw: Readonly<Json>;
  /** Absent key: `undefined`; otherwise as written (a map, or a string such as `read-all`). */
  readonly permissions: unknown;
  /** The GitHub environment the job runs in (`environment: prod` or `environment: {name: prod}`). */
  readonly environment: string | undefined;
  readonly concurrency: { readonly group: string; readonly cancelInProgress: unknown } | undefined;
  /** A reusable workflow the job calls (`jobs.<id>.uses`). */
  readonly uses: string | undefined;
  readonly usesComment: string | undefined;
  readonly steps: readonly WorkflowStep[];
}

/** One workflow file. */
export interface Workflow {
  /** File name, e.g. `deploy.yml`. */
  readonly file: string;
  readonly source: string;
  /** The parsed YAML (`undefined` when it does not parse: the schema check reports why). */
  readonly data: Readonly<Json> | undefined;
  readonly jobs: readonly WorkflowJob[];
}

/** Where the workflows live in a repository. */
export function workflowsDir(repoRoot: string): string {
  return path.join(repoRoot, '.github', 'workflows');
}

/** Reads every `*.yml` / `*.yaml` in `.github/workflows/`, sorted by name. */
export function loadWorkflows(repoRoot: string): Workflow[] {
  const dir = workflowsDir(repoRoot);
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => parseWorkflow(name, readFileSync(path.join(dir, name), 'utf8')));
}

/** The trailing comment of the scalar at `keys` (where `uses: owner/repo@sha # v1.2.3` keeps its version). */
function commentAt(doc: Document, keys: readonly (string | number)[]): string | undefined {
  const node = doc.getIn(keys, true);
  return isScalar(node) && typeof node.comment === 'string' ? node.comment.trim() : undefined;
}

/**
 * Parses one workflow file.
 *
 * @param file - its name, used in every message
 * @param source - its text
 */
export function parseWorkflow(file: string, source: string): Workflow {
  const doc = parseDocument(source);
  const data: unknown = doc.errors.length > 0 ? undefined : doc.toJS();
  if (!isObject(data)) return { file, source, data: undefined, jobs: [] };
  const jobs = isObject(data.jobs) ? data.jobs : {};
  return {
    file,
    source,
    data,
    jobs: Object.entries(jobs)
      .filter((entry): entry is [string, Json] => isObject(entry[1]))
      .map(([id, job]) => parseJob(doc, id, job)),
  };
}

function parseJob(doc: Document, id: string, job: Json): WorkflowJob {
  const environment = isObject(job.environment) ? text(job.environment.name) : text(job.environment);
  const concurrency = isObject(job.concurrency)
    ? { group: String(job.concurrency.group), cancelInProgress: job.concurrency['cancel-in-progress'] }
    : typeof job.concurrency === 'string'
      ? { group: job.concurrency, cancelInProgress: undefined }
      : undefined;
  const steps = Array.isArray(job.steps) ? (job.steps as unknown[]) : [];
  return {
    id,
    raw: job,
    permissions: job.permissions,
    environment,
    concurrency,
    uses: text(job.uses),
    usesComment: commentAt(doc, ['jobs', id, 'uses']),
    steps: steps.map((step, index): WorkflowStep => {
      const s = isObject(step) ? step : {};
      const uses = text(s.uses);
      const run = text(s.run);
      return {
        label: text(s.name) ?? uses ?? run?.split('\n')[0] ?? text(s.id) ?? `step ${index + 1}`,
        uses,
        usesComment: commentAt(doc, ['jobs', id, 'steps', index, 'uses']),
        run,
        if: text(s.if),
        with: isObject(s.with) ? s.with : {},
        env: isObject(s.env) ? s.env : {},
        continueOnError: s['continue-on-error'],
      };
    }),
  };
}
