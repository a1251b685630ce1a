import { sql } from 'drizzle-orm';
import { systemActor } from '../../policies/actor.js';
import { writeCheckpoint } from '../audit/checkpoint.js';
import type { CheckpointSigner } from '../audit/checkpoint-signer.js';
import { type AuditReport, verifyAuditChain } from '../audit/verify.js';
import { queryRows } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { createRun, executeRun } from '../integrity/run-integrity.js';
import type { RunSummary } from '../integrity/run-state.js';
import type { SignatureVerifier } from '../integrity/signatures-pass.js';

export interface RestoredFinding {
  orgId: string;
  kind: string;
  message: string;
  artifactId: string | null;
  objectKey: string | null;
}

export interface RestoredVerification {
  ok: boolean;
  integrity: { orgId: string; runId: string; summary: RunSummary }[];
  findings: RestoredFinding[];
  audit: AuditReport;
}

/**
 * The end of a restore drill: a full integrity run per organization on the restored copy (every
 * object re-read by its new version id and re-hashed, reconciled with the rows, signatures and
 * audit chain re-verified), each closed by a signed checkpoint like any job, then `audit verify`
 * over everything.
 */
export async function verifyRestored(
  deps: ArchiveDeps,
  signer: CheckpointSigner,
  verifySignatures: SignatureVerifier,
): Promise<RestoredVerification> {
  const orgIds = (await queryRows<{ id: string }>(deps.db, sql`select id::text as id from organizations order by id`)).map((r) => r.id);
  const integrity: RestoredVerification['integrity'] = [];
  const findings: RestoredFinding[] = [];
  for (const orgId of orgIds) {
    const run = await createRun(deps, systemActor(orgId), 'full');
    const summary = await executeRun(deps, run.id, orgId, { auditTrust: signer, verifySignatures });
    await writeCheckpoint(deps, signer, orgId);
    integrity.push({ orgId, runId: run.id, summary });
    const rows = await queryRows<{ kind: string; message: string; artifact_id: string | null; object_key: string | null }>(
      deps.db,
      sql`select kind, message, artifact_id::text as artifact_id, object_key from integrity_findings where run_id = ${run.id} order by created_at`,
    );
    findings.push(...rows.map((r) => ({ orgId, kind: r.kind, message: r.message, artifactId: r.artifact_id, objectKey: r.object_key })));
  }
  const audit = await verifyAuditChain(deps, signer, {});
  return { ok: findings.length === 0 && integrity.every((r) => r.summary.ok) && audit.ok, integrity, findings, audit };
}
