/**
 * Room `scripts/security/` — one job: supply-chain checks of the production dependencies: this audit verdict and the
 * reviewed dependency tree (`production-tree.ts`).
 *
 * The verdict on `npm audit --omit=dev --json`: high and critical advisories in production dependencies fail unless
 * `security/audit-accepted.json` accepts them (with a reason and an expiry date). An answer that is not an audit
 * report at all (the registry's audit endpoint refuses the request, no network) is "unavailable", never a pass.
 * Pure: the caller runs npm and reads the file.
 */
import { z } from 'zod';

/** Severities that fail the check unless accepted. */
export const BLOCKING_SEVERITIES = ['high', 'critical'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `security/audit-accepted.json`. */
export const acceptedFindingsSchema = z.object({
  $comment: z.string().optional(),
  accepted: z.array(
    z.object({
      /** The vulnerable package, as npm audit names it. */
      package: z.string().min(1),
      /** The advisory: its GHSA id (`GHSA-xxxx-xxxx-xxxx`) or URL. */
      advisory: z.string().min(1),
      severity: z.enum(BLOCKING_SEVERITIES),
      /** Why it does not affect this service (e.g. the vulnerable code path is never reached). */
      reason: z.string().min(20, 'explain why the finding does not affect this service'),
      reviewedBy: z.string().min(1),
      /** After this day (YYYY-MM-DD, UTC) the acceptance lapses and the check fails again. */
      expires: z.string().regex(ISO_DATE, 'must be YYYY-MM-DD'),
    }),
  ),
});

export type AcceptedFindings = z.infer<typeof acceptedFindingsSchema>;

/** One high or critical advisory found in the production tree. */
export interface Finding {
  readonly package: string;
  readonly advisory: string;
  readonly severity: string;
  readonly title: string;
}

export type AuditVerdict =
  | { readonly status: 'unavailable'; readonly reason: string }
  | {
      readonly status: 'checked';
      /** Advisories of every severity, as npm counts them. */
      readonly counts: Readonly<Record<string, number>>;
      readonly accepted: readonly Finding[];
      /** High or critical, not (or no longer) accepted: the check fails when this is not empty. */
      readonly unaccepted: readonly Finding[];
    };

/** What an npm audit v2 report carries that this module reads. */
const reportSchema = z.object({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(
    z.string(),
    z.object({
      via: z.array(
        z.union([
          z.string(),
          z.object({ name: z.string(), severity: z.string(), url: z.string().optional(), title: z.string() }),
        ]),
      ),
    }),
  ),
  metadata: z.object({ vulnerabilities: z.record(z.string(), z.number()) }),
});

/** The GHSA id in an advisory URL, or the URL itself. */
function advisoryId(url: string | undefined, fallback: string): string {
  return /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/.exec(url ?? '')?.[0] ?? url ?? fallback;
}

/** Why the output is not a report: npm's error message when it printed one. */
function unavailableReason(output: unknown, raw: string): string {
  const error = output as { message?: unknown; error?: { summary?: unknown } } | null;
  if (typeof error?.message === 'string' && error.message !== '') return error.message;
  if (typeof error?.error?.summary === 'string' && error.error.summary !== '') return error.error.summary;
  const firstLine = raw.trim().split('\n')[0] ?? '';
  return firstLine === ''
    ? 'npm audit printed nothing'
    : `npm audit printed no report: ${firstLine.slice(0, 200)}`;
}

/**
 * Judges npm audit's JSON output against the accepted findings.
 *
 * @param stdout - what `npm audit --omit=dev --json` printed
 * @param accepted - the parsed acceptance file
 * @param today - YYYY-MM-DD (UTC); acceptances that expired before it no longer count
 */
export function auditVerdict(stdout: string, accepted: AcceptedFindings, today: string): AuditVerdict {
  let output: unknown;
  try {
    output = JSON.parse(stdout);
  } catch {
    return { status: 'unavailable', reason: unavailableReason(undefined, stdout) };
  }
  const report = reportSchema.safeParse(output);
  if (!report.success) return { status: 'unavailable', reason: unavailableReason(output, stdout) };

  const findings = new Map<string, Finding>();
  for (const vulnerability of Object.values(report.data.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === 'string' || !(BLOCKING_SEVERITIES as readonly string[]).includes(via.severity))
        continue;
      const advisory = advisoryId(via.url, via.title);
      findings.set(`${via.name} ${advisory}`, {
        package: via.name,
        advisory,
        severity: via.severity,
        title: via.title,
      });
    }
  }
  const isAccepted = (finding: Finding) =>
    accepted.accepted.some(
      (entry) =>
        entry.package === finding.package &&
        (entry.advisory === finding.advisory || entry.advisory.includes(finding.advisory)) &&
        entry.expires >= today,
    );
  const all = [...findings.values()];
  return {
    status: 'checked',
    counts: report.data.metadata.vulnerabilities,
    accepted: all.filter(isAccepted),
    unaccepted: all.filter((finding) => !isAccepted(finding)),
  };
}
