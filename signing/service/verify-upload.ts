import type { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { authorize } from '../../archive/access.js';
import { findArtifactInScope } from '../../archive/artifacts/find-artifact.js';
import { appendAudit } from '../../archive/audit/append.js';
import { signingCredentials } from '../../archive/schema.js';
import { discardSpool, spool } from '../../archive/spool.js';
import { inTenant } from '../../archive/tenancy.js';
import type { Actor } from '../../policies/actor.js';
import { type Cert, certsFromPem } from '../pki/certificate.js';
import type { VerificationReport } from '../verify/report.js';
import { verifyPdfFile } from '../verify/verify-pdf.js';
import type { SigningDeps } from './signing-deps.js';

export type VerifyUploadResult = VerificationReport & { archived: { sha256: string; matches: boolean } };

/**
 * Verifies an uploaded PDF against this organization's trust anchors and says whether the archive
 * holds the very same bytes. The verifier never throws on hostile input; `readable` is false when
 * the file could not be parsed as a PDF at all, which the route answers with 400 and the report.
 */
export async function verifyUpload(
  deps: SigningDeps,
  actor: Actor,
  body: Readable,
): Promise<{ report: VerifyUploadResult; readable: boolean }> {
  await authorize(deps, actor, 'artifact.read', 'artifact');
  const file = await spool(body, { dir: deps.spoolDir, maxBytes: deps.maxUploadBytes });
  try {
    const anchors = await trustAnchors(deps, actor);
    const report = await verifyPdfFile(file.path, { trustAnchors: anchors, now: deps.clock.now() });
    // "Archived" is answered within the caller's scope only (customer, order, export control), as
    // any look-up by hash is: the answer must not reveal bytes the caller could not download.
    const archived = await inTenant(deps.db, actor, async (tx) => {
      const row = await findArtifactInScope(tx, actor, file.sha256);
      await appendAudit(tx, deps.clock, actor, {
        action: 'signature.verify',
        targetType: 'artifact',
        targetId: file.sha256,
        details: { valid: report.valid, signatures: report.signatures.length, archived: !!row && !row.disposedAt },
      });
      return !!row && !row.disposedAt;
    });
    const readable = !report.problems.some((p) => p.startsWith('the file cannot be read as a PDF'));
    return { report: { ...report, archived: { sha256: file.sha256, matches: archived } }, readable };
  } finally {
    await discardSpool(file);
  }
}

/**
 * "Trusted" means trusted by this archive: the top certificate of every chain registered for the
 * organization (revoked ones too: their earlier signatures stay verifiable), plus the configured
 * ARKIV_TRUST_ANCHORS. Never the operating system's store.
 */
export async function trustAnchors(deps: Pick<SigningDeps, 'db' | 'trustAnchorsPem'>, actor: Pick<Actor, 'orgId'>): Promise<Cert[]> {
  // Credentials are supplier records; the lookup runs without the customer scope of a customer caller.
  const rows = await inTenant(deps.db, { orgId: actor.orgId, customerId: null }, (tx) =>
    tx.select({ chainPem: signingCredentials.chainPem }).from(signingCredentials).where(eq(signingCredentials.orgId, actor.orgId)),
  );
  const anchors: Cert[] = deps.trustAnchorsPem ? certsFromPem(deps.trustAnchorsPem) : [];
  for (const r of rows) {
    const top = certsFromPem(r.chainPem).at(-1);
    if (top && !anchors.some((a) => a.sha256 === top.sha256)) anchors.push(top);
  }
  return anchors;
}
