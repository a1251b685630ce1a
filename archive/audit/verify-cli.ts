import type { AuditReport, OrgAuditReport } from './verify.js';

/**
 * Output of `arkiv audit verify [--json]`. The JSON form is the report itself, for tooling; the
 * text form gives one line per organization and one indented line per problem, each naming the
 * entry (or checkpoint) by sequence number so an auditor knows where to look.
 */
export function formatAuditReport(report: AuditReport, json: boolean): string {
  if (json) return JSON.stringify(report, null, 2);
  const failed = report.orgs.filter((o) => o.problems.length > 0).length;
  const lines = report.orgs.flatMap(orgLines);
  const summary =
    report.orgs.length === 0
      ? 'audit verify: OK (no organizations)'
      : report.ok
        ? `audit verify: OK (${report.orgs.length} organization${report.orgs.length === 1 ? '' : 's'})`
        : `audit verify: FAILED (${failed} of ${report.orgs.length} organizations have problems)`;
  return [...lines, summary].join('\n');
}

function orgLines(org: OrgAuditReport): string[] {
  const status = org.problems.length === 0 ? 'OK    ' : 'FAILED';
  const head = org.headSeq === null ? 'empty chain' : `head #${org.headSeq} ${org.headHash?.slice(0, 12) ?? ''}`;
  const first = `${status} ${org.orgId}  ${org.entries} entries, ${head}, ${org.checkpointsVerified} checkpoints verified`;
  return [first, ...org.problems.map((p) => `  ${p.seq === null ? '' : `#${p.seq} `}${p.kind}: ${p.message}`)];
}
