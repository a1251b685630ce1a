import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { authorize } from '../../archive/access.js';
import { storeSpooledArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { appendAudit } from '../../archive/audit/append.js';
import { open as openSealed } from '../../archive/identity/secret-box.js';
import { demandFreshStepUp } from '../../archive/identity/step-up.js';
import { SEARCH_INDEX_JOB } from '../../archive/jobs/job-kinds.js';
import { enqueueJob } from '../../archive/jobs/queue.js';
import { artifacts, documentRevisions, documents, signatures } from '../../archive/schema.js';
import { discardSpool, spool } from '../../archive/spool.js';
import { inTenant } from '../../archive/tenancy.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import type { DocumentClass } from '../../policies/retention.js';
import { credentialFromPem } from '../pki/credential.js';
import { signPdfFile } from '../sign/sign-pdf.js';
import { chooseCredential } from './choose-credential.js';
import { keyContext, type SigningDeps, toAppError } from './signing-deps.js';

export interface SignDocumentInput {
  /** The meaning of the signature ("Approved", "Reviewed"), written into the PDF as /Reason. */
  reason: string;
  location?: string | undefined;
  level: 'B-B' | 'B-T';
}

/**
 * Signs the current revision of a document as the caller and stores the result as the next
 * revision. Checks, in order: permission and scope, a fresh step-up, the caller's own credential
 * covering the document. The new artifact, the revision, the signature record and the audit
 * entry commit together, so there is no signed file without its record of who, what and why.
 */
export async function signDocument(deps: SigningDeps, actor: Actor, documentId: string, input: SignDocumentInput) {
  const [doc] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(documents)
      .where(and(eq(documents.orgId, actor.orgId), eq(documents.id, documentId))),
  );
  if (!doc) throw notFound('document');
  const scope = {
    orgId: doc.orgId,
    customerId: doc.customerId,
    orderId: doc.orderId,
    published: doc.published,
    exportControlled: doc.exportControlled,
  };
  const target = { type: 'document', id: doc.id };
  await authorize(deps, actor, 'signature.create', 'document', scope, target);
  await demandFreshStepUp(deps, actor, target, 'signature.create');
  if (input.level === 'B-T' && !deps.tsaUrl) {
    throw new AppError('tsa_not_configured', 'B-T needs a time-stamp authority (ARKIV_TSA_URL); ask for B-B or configure one');
  }
  const cred = await chooseCredential(deps, actor, doc);
  const current = await currentRevision(deps, actor, doc.id);
  const source = await spool(await deps.store.open({ key: current.storageKey, versionId: current.versionId }), {
    dir: deps.spoolDir,
    maxBytes: Number.MAX_SAFE_INTEGER,
    expectedSha256: current.sha256,
  });
  const outPath = join(deps.spoolDir, `${newId()}.signed.part`);
  try {
    const signedAt = deps.clock.now();
    const credential = credentialFromPem(openSealed(deps.masterKey, cred.privateKeyEnc, keyContext(cred.id)), cred.chainPem);
    const result = await signPdfFile(source.path, outPath, {
      credential,
      signingTime: signedAt,
      reason: input.reason,
      location: input.location,
      ...(input.level === 'B-T' && deps.tsaUrl ? { tsa: { url: deps.tsaUrl } } : {}),
    }).catch((err) => {
      throw toAppError(err);
    });
    const signed = await spool(createReadStream(outPath), { dir: deps.spoolDir, maxBytes: Number.MAX_SAFE_INTEGER });
    try {
      return await inTenant(deps.db, actor, async (tx) => {
        await tx.select({ id: documents.id }).from(documents).where(eq(documents.id, doc.id)).for('update');
        const [last] = await tx
          .select({ n: documentRevisions.revisionNo })
          .from(documentRevisions)
          .where(eq(documentRevisions.documentId, doc.id))
          .orderBy(desc(documentRevisions.revisionNo))
          .limit(1);
        // What was signed must still be what is current: otherwise the signer approved a stale text.
        if (last?.n !== current.revisionNo) throw new AppError('conflict', 'the document got a new revision while signing; sign again');
        const { row } = await storeSpooledArtifact(deps, tx, actor, signed, {
          contentType: 'application/pdf',
          docClass: doc.docClass as DocumentClass,
        });
        const newRevisionNo = current.revisionNo + 1;
        await tx.insert(documentRevisions).values({
          id: newId(),
          orgId: actor.orgId,
          documentId: doc.id,
          revisionNo: newRevisionNo,
          artifactId: row.id,
          note: `signed: ${input.reason}`,
          createdBy: actor.userId,
        });
        const record = {
          id: newId(),
          orgId: actor.orgId,
          documentId: doc.id,
          signedRevisionNo: current.revisionNo,
          newRevisionNo,
          signerUserId: actor.userId,
          credentialId: cred.id,
          reason: input.reason,
          location: input.location ?? null,
          level: result.level,
          artifactSha256: row.sha256,
          signedAt,
        };
        await tx.insert(signatures).values(record);
        await enqueueJob(tx, { kind: SEARCH_INDEX_JOB, orgId: actor.orgId, payload: { documentId: doc.id } });
        await appendAudit(tx, deps.clock, actor, {
          action: 'document.sign',
          targetType: 'document',
          targetId: doc.id,
          details: {
            signatureId: record.id,
            meaning: input.reason,
            location: record.location,
            level: result.level,
            signedRevisionNo: current.revisionNo,
            signedSha256: current.sha256,
            newRevisionNo,
            artifact: row.sha256,
            credentialId: cred.id,
            certSha256: cred.certSha256,
            subject: cred.subject,
            timestamp: result.timestamp?.time ?? null,
          },
        });
        return { ...record, signedAt: signedAt.toISOString(), subject: cred.subject, timestamp: result.timestamp?.time ?? null };
      });
    } finally {
      await discardSpool(signed);
    }
  } finally {
    await discardSpool(source);
    await rm(outPath, { force: true });
  }
}

async function currentRevision(deps: SigningDeps, actor: Actor, documentId: string) {
  const [rev] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select({
        revisionNo: documentRevisions.revisionNo,
        sha256: artifacts.sha256,
        storageKey: artifacts.storageKey,
        versionId: artifacts.versionId,
        disposedAt: artifacts.disposedAt,
      })
      .from(documentRevisions)
      .innerJoin(artifacts, eq(artifacts.id, documentRevisions.artifactId))
      .where(eq(documentRevisions.documentId, documentId))
      .orderBy(desc(documentRevisions.revisionNo))
      .limit(1),
  );
  if (!rev || rev.disposedAt) throw new AppError('conflict', 'the current revision has no stored bytes to sign');
  return rev;
}
