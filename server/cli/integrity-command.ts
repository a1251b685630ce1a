import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { writeCheckpoint } from '../../archive/audit/checkpoint.js';
import { queryRows } from '../../archive/db.js';
import { createRun, executeRun } from '../../archive/integrity/run-integrity.js';
import type { RunSummary } from '../../archive/integrity/run-state.js';
import { integrityFindings } from '../../archive/schema.js';
import { systemActor } from '../../policies/actor.js';
import { loadAuditSigner } from '../audit-key.js';
import { loadSigningSettings } from '../identity-settings.js';
import { reportSealer } from '../integrity/org-seal.js';
import { sealIntegrityReport } from '../integrity/seal-report.js';
import { sealLoader, signatureVerifier } from '../jobs/integrity-job.js';
import { loadSecretKey } from '../keys.js';
import type { Runtime } from '../runtime.js';

/**
 * `arkiv integrity run [--json] [--org ID]`: a full run per organization, in this process,
 * against the configured database and store. Exit 0 when nothing was found, 1 otherwise.
 */
export async function integrityCommand(args: string[], open: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, org: { type: 'string' } } });
  if (sub !== 'run') {
    console.error('usage: arkiv integrity run [--json] [--org ID]');
    return 2;
  }
  const runtime = await open();
  try {
    const { archive, config } = runtime;
    const signer = await loadAuditSigner({ configuredKeyPem: config.ARKIV_AUDIT_SIGNING_KEY, dataDir: runtime.dataDir });
    const signing = await loadSigningSettings(config);
    const orgIds = values.org
      ? [values.org]
      : (await queryRows<{ id: string }>(archive.db, sql`select id::text as id from organizations order by id`)).map((r) => r.id);
    // The organization's own seal signs its report; the server-wide one only where it has none.
    const masterKey = await loadSecretKey({
      configured: config.ARKIV_MASTER_KEY,
      dataDir: runtime.dataDir,
      file: 'master.key',
      name: 'ARKIV_MASTER_KEY',
    });
    const seal = reportSealer({ db: archive.db, clock: archive.clock, masterKey }, sealLoader(config));
    const reports: { orgId: string; runId: string; reportArtifactId: string | null; summary: RunSummary; findings: unknown[] }[] = [];
    for (const orgId of orgIds) {
      const run = await createRun(archive, systemActor(orgId), 'full');
      const summary = await executeRun(archive, run.id, orgId, {
        auditTrust: signer,
        verifySignatures: signatureVerifier(archive.db, signing.trustAnchorsPem),
      });
      const sealed = await seal(orgId);
      const reportArtifactId = sealed ? await sealIntegrityReport(archive, orgId, run.id, sealed) : null;
      // Like every job, a run ends with a signed checkpoint that covers its own audit entries.
      await writeCheckpoint(archive, signer, orgId);
      const findings = await archive.db.select().from(integrityFindings).where(eq(integrityFindings.runId, run.id));
      reports.push({
        orgId,
        runId: run.id,
        reportArtifactId,
        summary,
        findings: findings.map(({ kind, artifactId, objectKey, versionId, message }) => ({
          kind,
          artifactId,
          objectKey,
          versionId,
          message,
        })),
      });
    }
    if (values.json) console.log(JSON.stringify({ ok: reports.every((r) => r.summary.ok), runs: reports }, null, 2));
    else for (const r of reports) console.log(formatText(r.orgId, r.summary, r.findings as { kind: string; message: string }[]));
    return reports.every((r) => r.summary.ok) ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

function formatText(orgId: string, s: RunSummary, findings: { kind: string; message: string }[]): string {
  const mb = (s.fixity.bytes / 1024 ** 2).toFixed(1);
  const head = `organization ${orgId}: ${s.ok ? 'OK' : `${s.findings} finding(s)`} — ${s.fixity.objects} object(s), ${mb} MiB re-hashed in ${(s.durationMs / 1000).toFixed(1)} s`;
  const audit = s.audit ? `; audit chain ${s.audit.entries} entries, ${s.audit.checkpointsVerified} checkpoint(s) verified` : '';
  return [head + audit, ...findings.map((f) => `  ${f.kind}: ${f.message}`)].join('\n');
}
