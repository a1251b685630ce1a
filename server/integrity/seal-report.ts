import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { storeSpooledArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { appendAudit } from '../../archive/audit/append.js';
import type { ArchiveDeps } from '../../archive/deps.js';
import type { RunSummary } from '../../archive/integrity/run-state.js';
import { integrityFindings, integrityRuns } from '../../archive/schema.js';
import { inTenant } from '../../archive/tenancy.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { type SigningCredential, signPdfFile } from '../../signing/index.js';
import { renderReportPdf } from './report-pdf.js';

/**
 * Renders a finished run's PDF report, signs it with the organization's seal and stores it as a
 * retention-locked artifact named by the run. An auditor downloads it like any artifact and checks
 * the seal with POST /verify or `arkiv verify`. Returns the artifact's id.
 */
export async function sealIntegrityReport(deps: ArchiveDeps, orgId: string, runId: string, seal: SigningCredential): Promise<string> {
  const actor = systemActor(orgId);
  const { run, findings } = await inTenant(deps.db, actor, async (tx) => {
    const [r] = await tx.select().from(integrityRuns).where(eq(integrityRuns.id, runId));
    const f = await tx.select().from(integrityFindings).where(eq(integrityFindings.runId, runId)).orderBy(asc(integrityFindings.createdAt));
    return { run: r, findings: f };
  });
  if (!run?.summary || run.status !== 'succeeded') throw new Error(`integrity run ${runId} has not finished`);
  if (run.reportArtifactId) return run.reportArtifactId;
  await mkdir(deps.spoolDir, { recursive: true });
  const draft = join(deps.spoolDir, `${newId()}.report.pdf`);
  const signed = join(deps.spoolDir, `${newId()}.report-signed.pdf`);
  try {
    await writeFile(draft, await renderReportPdf({ run, summary: run.summary as RunSummary, findings }), { mode: 0o600 });
    await signPdfFile(draft, signed, { credential: seal, reason: `Arkiv integrity report ${runId}` });
    const bytes = await readFile(signed);
    const file = { path: signed, size: (await stat(signed)).size, sha256: createHash('sha256').update(bytes).digest('hex') };
    return await inTenant(deps.db, actor, async (tx) => {
      const { row } = await storeSpooledArtifact(deps, tx, actor, file, { contentType: 'application/pdf', docClass: 'other' });
      await tx.update(integrityRuns).set({ reportArtifactId: row.id }).where(eq(integrityRuns.id, runId));
      await appendAudit(tx, deps.clock, actor, {
        action: 'integrity.report.seal',
        targetType: 'integrity_run',
        targetId: runId,
        details: { artifactId: row.id, sha256: row.sha256 },
      });
      return row.id;
    });
  } finally {
    await rm(draft, { force: true });
    await rm(signed, { force: true });
  }
}
