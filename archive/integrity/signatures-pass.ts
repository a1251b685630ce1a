import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import type { ArchiveDeps } from '../deps.js';
import { artifacts, signatureVerifications } from '../schema.js';
import { discardSpool } from '../spool.js';
import { inTenant } from '../tenancy.js';
import type { FindingSink } from './findings.js';

/** The signing module's verdict on a PDF file; injected by the server (archive/ may not import signing/). */
export type SignatureVerifier = (orgId: string, path: string) => Promise<{ valid: boolean; signatureCount: number }>;

/**
 * Re-verifies the signatures of every archived PDF that has a verdict on record and reports a
 * changed verdict (a certificate revoked or expired since, a broken signature). PDFs without a
 * recorded verdict have nothing to compare with; the ingest job records one for new uploads.
 */
export async function signaturesPass(
  deps: Pick<ArchiveDeps, 'db' | 'store' | 'spoolDir'>,
  verify: SignatureVerifier,
  orgId: string,
  sink: FindingSink,
): Promise<{ checked: number }> {
  const actor = systemActor(orgId);
  const pdfs = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(artifacts)
      .where(and(eq(artifacts.orgId, orgId), eq(artifacts.contentType, 'application/pdf'), isNull(artifacts.disposedAt))),
  );
  let checked = 0;
  if (pdfs.length > 0) await mkdir(deps.spoolDir, { recursive: true });
  for (const row of pdfs) {
    // Bytes already known to be wrong or gone say nothing new about signatures.
    if (sink.has(row.id, 'fixity_mismatch') || sink.has(row.id, 'missing_object') || sink.has(row.id, 'read_failed')) continue;
    const [recorded] = await inTenant(deps.db, actor, (tx) =>
      tx
        .select()
        .from(signatureVerifications)
        .where(eq(signatureVerifications.artifactId, row.id))
        .orderBy(desc(signatureVerifications.verifiedAt))
        .limit(1),
    );
    if (!recorded) continue;
    const file = { path: join(deps.spoolDir, `${newId()}.integrity`), size: row.size, sha256: row.sha256 };
    try {
      await pipeline(
        await deps.store.open({ key: row.storageKey, versionId: row.versionId }),
        createWriteStream(file.path, { mode: 0o600 }),
      );
      const now = await verify(orgId, file.path);
      checked += 1;
      if (now.valid !== recorded.valid || now.signatureCount !== recorded.signatureCount) {
        await sink.add({
          kind: 'signature_verdict_changed',
          artifactId: row.id,
          objectKey: row.storageKey,
          versionId: row.versionId,
          message: `artifact ${row.id}: signatures were ${recorded.valid ? 'valid' : 'invalid'} (${recorded.signatureCount}) on ${recorded.verifiedAt.toISOString()}, now ${now.valid ? 'valid' : 'invalid'} (${now.signatureCount})`,
          details: { recorded: { valid: recorded.valid, signatureCount: recorded.signatureCount }, now },
        });
      }
    } finally {
      await discardSpool(file);
    }
  }
  return { checked };
}
