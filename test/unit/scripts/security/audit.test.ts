/**
 * How `npm audit --omit=dev --json` output is judged (test/e2e/securityAudit.test.ts runs npm audit itself): high
 * and critical advisories fail unless security/audit-accepted.json accepts them until a date; an answer that is not
 * a report is "unavailable", never a pass.
 */
import { auditVerdict, type AcceptedFindings } from '../../../../scripts/security/audit';

const TODAY = '2026-11-22';
const NOTHING_ACCEPTED: AcceptedFindings = { accepted: [] };
const SEMVER_ADVISORY = 'GHSA-c2qf-rxjj-qqgw';

/** An npm audit v2 report (the shape npm 10 prints) with the given advisories on `semver`, which global-agent uses. */
function report(...severities: string[]): string {
  const via = severities.map((severity, i) => ({
    source: 1_101_088 + i,
    name: 'semver',
    dependency: 'semver',
    title: `semver advisory ${i}`,
    url:
      i === 0
        ? `https://github.com/advisories/${SEMVER_ADVISORY}`
        : `https://github.com/advisories/GHSA-${i}`,
    severity,
    range: '<7.5.2',
  }));
  const count = (s: string) => severities.filter((x) => x === s).length;
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities:
      severities.length === 0
        ? {}
        : {
            semver: {
              name: 'semver',
              severity: severities[0],
              isDirect: false,
              via,
              effects: ['global-agent'],
            },
            'global-agent': {
              name: 'global-agent',
              severity: severities[0],
              isDirect: false,
              via: ['semver'],
            },
          },
    metadata: {
      vulnerabilities: {
        info: 0,
        low: count('low'),
        moderate: count('moderate'),
        high: count('high'),
        critical: count('critical'),
        total: severities.length,
      },
    },
  });
}

const acceptance = (expires: string): AcceptedFindings => ({
  accepted: [
    {
      package: 'semver',
      advisory: SEMVER_ADVISORY,
      severity: 'high',
      reason: 'only the skipped onnxruntime-node install script uses semver; never with untrusted input',
      reviewedBy: 'security review',
      expires,
    },
  ],
});

describe('npm audit verdict', () => {
  it('passes a report without findings, and one with only low or moderate findings', () => {
    // Act
    const clean = auditVerdict(report(), NOTHING_ACCEPTED, TODAY);
    const minor = auditVerdict(report('moderate', 'low'), NOTHING_ACCEPTED, TODAY);

    // Assess
    expect(clean).toMatchObject({ status: 'checked', unaccepted: [] });
    expect(minor).toMatchObject({ status: 'checked', unaccepted: [], counts: { moderate: 1, low: 1 } });
  });

  it('fails on a high or critical advisory that nobody accepted, naming package and advisory', () => {
    // Act
    const verdict = auditVerdict(report('high', 'critical'), NOTHING_ACCEPTED, TODAY);

    // Assess
    expect(verdict).toMatchObject({
      status: 'checked',
      unaccepted: [
        { package: 'semver', advisory: SEMVER_ADVISORY, severity: 'high' },
        { package: 'semver', advisory: 'https://github.com/advisories/GHSA-1', severity: 'critical' },
      ],
    });
  });

  it('passes an accepted advisory until the acceptance lapses', () => {
    // Act
    const current = auditVerdict(report('high'), acceptance('2026-12-31'), TODAY);
    const lastDay = auditVerdict(report('high'), acceptance(TODAY), TODAY);
    const lapsed = auditVerdict(report('high'), acceptance('2026-11-21'), TODAY);

    // Assess
    expect(current).toMatchObject({ status: 'checked', unaccepted: [], accepted: [{ package: 'semver' }] });
    expect(lastDay).toMatchObject({ status: 'checked', unaccepted: [] });
    expect(lapsed).toMatchObject({ status: 'checked', accepted: [], unaccepted: [{ package: 'semver' }] });
  });

  it('calls an error answer (the registry refusing the audit request) unavailable, with npm’s message', () => {
    // Prepare: what npm 10 prints when the registry answers 405 to the bulk advisory endpoint
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      method: 'POST',
      statusCode: 405,
      body: '',
      error: { summary: '', detail: '' },
    });

    // Act
    const verdict = auditVerdict(refused, NOTHING_ACCEPTED, TODAY);
    const nothing = auditVerdict('', NOTHING_ACCEPTED, TODAY);

    // Assess
    expect(verdict.status).toBe('unavailable');
    expect(verdict.status === 'unavailable' ? verdict.reason : '').toContain('405 Method Not Allowed');
    expect(nothing).toEqual({ status: 'unavailable', reason: 'npm audit printed nothing' });
  });
});
