import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../archive/audit/append.js';
import { defineJob } from '../../archive/jobs/job-definition.js';
import { VERIFY_SIGNATURES_JOB } from '../../archive/jobs/job-kinds.js';
import { artifacts, signatureVerifications } from '../../archive/schema.js';
import { discardSpool } from '../../archive/spool.js';
import { inTenant } from '../../archive/tenancy.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { verifyPdfFile } from '../verify/verify-pdf.js';
import { VERIFIER_VERSION } from './verifier-version.js';
import { trustAnchors } from './verify-upload.js';

/**
 * The verdict on an archived PDF's signatures, taken when it arrives: the stored bytes (read back
 * by version, never the upload) against the organization's trust anchors, kept append-only so
 * an auditor can later show what was known at the time.
 */
export function verifySignaturesJob(settings: { trustAnchorsPem?: string | undefined }) {
  return defineJob({
    kind: VERIFY_SIGNATURES_JOB,
    version: 1,
    payload: z.object({ artifactId: z.uuid() }),
    async handle({ artifactId }, { orgId, deps }) {
      if (!orgId) throw new Error('signature verification needs an organization');
      const actor = systemActor(orgId);
      const [row] = await inTenant(deps.db, actor, (tx) =>
        tx
          .select()
          .from(artifacts)
          .where(and(eq(artifacts.orgId, orgId), eq(artifacts.id, artifactId))),
      );
      if (!row) throw new Error(`artifact ${artifactId} not found`);
      const file = { path: join(deps.spoolDir, `${newId()}.verify`), size: row.size, sha256: row.sha256 };
      try {
        await pipeline(
          await deps.store.open({ key: row.storageKey, versionId: row.versionId }),
          createWriteStream(file.path, { mode: 0o600 }),
        );
        const anchors = await trustAnchors({ db: deps.db, trustAnchorsPem: settings.trustAnchorsPem }, actor);
        const report = await verifyPdfFile(file.path, { trustAnchors: anchors, now: deps.clock.now() });
        await inTenant(deps.db, actor, async (tx) => {
          await tx.insert(signatureVerifications).values({
            id: newId(),
            orgId,
            artifactId,
            verifierVersion: VERIFIER_VERSION,
            signatureCount: report.signatures.length,
            valid: report.valid,
            report,
          });
          await appendAudit(tx, deps.clock, actor, {
            action: 'signature.verify',
            targetType: 'artifact',
            targetId: row.sha256,
            details: { on: 'ingest', signatures: report.signatures.length, valid: report.valid },
          });
        });
      } finally {
        await discardSpool(file);
      }
    },
  });
}
