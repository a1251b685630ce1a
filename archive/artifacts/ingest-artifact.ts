import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { type DocumentClass, retainUntil, retentionRule } from '../../policies/retention.js';
import { authorize } from '../access.js';
import { lockKey } from '../adapters/database.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { EXTRACT_DOCUMENT_JOB, VERIFY_SIGNATURES_JOB } from '../jobs/job-kinds.js';
import { enqueueJob } from '../jobs/queue.js';
import { contentKey, type SpooledFile } from '../ports/blob-store.js';
import { artifacts } from '../schema.js';
import { discardSpool, spool } from '../spool.js';
import { inTenant } from '../tenancy.js';
import { type ArtifactRow, artifactView } from './artifact-view.js';
import { looksLikePdf } from './sniff.js';

export interface IngestInput {
  body: Readable;
  contentType: string;
  docClass: DocumentClass;
  expectedSha256?: string | undefined;
}

/**
 * Stores an upload as a content-addressed, retention-locked artifact of the caller's organization.
 * Order matters for crash safety: spool + hash → (lock on org+hash) → store.put, which re-reads
 * and re-hashes → insert row + audit entry in one transaction. A crash before the commit leaves at
 * most a locked orphan object that the next upload of the same bytes adopts; a row never points at
 * bytes that are not there.
 */
export async function ingestArtifact(deps: ArchiveDeps, actor: Actor, input: IngestInput) {
  await authorize(deps, actor, 'artifact.create', 'artifact');
  const file = await spool(input.body, {
    dir: deps.spoolDir,
    maxBytes: deps.maxUploadBytes,
    expectedSha256: input.expectedSha256,
  });
  try {
    return await inTenant(deps.db, actor, (tx) => storeSpooledArtifact(deps, tx, actor, file, input));
  } finally {
    await discardSpool(file);
  }
}

/**
 * The inside of an ingest, for use cases that already hold a spooled file and a transaction (a
 * signed PDF becomes an artifact in the same transaction as its revision and signature record).
 * The caller has authorized the act; this does not check `artifact.create`.
 */
export async function storeSpooledArtifact(
  deps: ArchiveDeps,
  tx: Db,
  actor: Actor,
  file: SpooledFile,
  input: { contentType: string; docClass: DocumentClass },
): Promise<{ artifact: ReturnType<typeof artifactView>; row: ArtifactRow; created: boolean }> {
  await lockKey(tx, `arkiv:artifact:${actor.orgId}:${file.sha256}`);
  const [existing] = await tx
    .select()
    .from(artifacts)
    .where(and(eq(artifacts.orgId, actor.orgId), eq(artifacts.sha256, file.sha256)));
  if (existing) {
    await appendAudit(tx, deps.clock, actor, {
      action: 'artifact.upload',
      targetType: 'artifact',
      targetId: existing.sha256,
      details: { deduplicated: true, size: existing.size },
    });
    return { artifact: artifactView(existing), row: existing, created: false };
  }
  const now = deps.clock.now();
  const rule = retentionRule(input.docClass);
  const retention = { mode: rule.mode, retainUntil: retainUntil(input.docClass, now) };
  const key = contentKey(actor.orgId, file.sha256);
  const isPdf = await looksLikePdf(file.path); // before put: the store takes the spool file over
  const ref = await deps.store.put(file, { key, contentType: input.contentType, retention });
  const [row] = (await tx
    .insert(artifacts)
    .values({
      id: newId(),
      orgId: actor.orgId,
      sha256: file.sha256,
      size: file.size,
      contentType: input.contentType,
      storageKey: ref.key,
      versionId: ref.versionId,
      docClass: input.docClass,
      retentionMode: retention.mode,
      retainUntil: retention.retainUntil,
      createdBy: actor.userId,
    })
    .returning()) as [ArtifactRow];
  await appendAudit(tx, deps.clock, actor, {
    action: 'artifact.upload',
    targetType: 'artifact',
    targetId: row.sha256,
    details: { size: row.size, contentType: row.contentType, docClass: row.docClass },
  });
  // Every PDF's signatures are verified and its fields extracted once it is in (both kept
  // append-only), in the same transaction so no archived PDF can miss either.
  if (isPdf) {
    await enqueueJob(tx, { kind: VERIFY_SIGNATURES_JOB, orgId: actor.orgId, payload: { artifactId: row.id } });
    await enqueueJob(tx, { kind: EXTRACT_DOCUMENT_JOB, orgId: actor.orgId, payload: { artifactId: row.id } });
  }
  return { artifact: artifactView(row), row, created: true };
}
