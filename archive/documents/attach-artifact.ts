import { and, eq } from 'drizzle-orm';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { type DocumentClass, laterOf, retainUntil } from '../../policies/retention.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { artifacts } from '../schema.js';

/**
 * Resolves the artifact a revision will point at and makes sure it is retained at least as long
 * as the document class requires: filing a file as a certificate must never leave it protected
 * only for the shorter period it got when it was uploaded unclassified.
 */
export async function attachArtifact(deps: ArchiveDeps, tx: Db, actor: Actor, sha256: string, docClass: DocumentClass) {
  const [row] = await tx
    .select()
    .from(artifacts)
    .where(and(eq(artifacts.orgId, actor.orgId), eq(artifacts.sha256, sha256)));
  if (!row || row.disposedAt) throw new AppError('validation_failed', `no artifact with SHA-256 ${sha256} in this organization`);
  const required = retainUntil(docClass, row.createdAt);
  if (required.getTime() > row.retainUntil.getTime()) {
    const until = laterOf(required, row.retainUntil);
    await deps.store.extendRetention({ key: row.storageKey, versionId: row.versionId }, { mode: 'COMPLIANCE', retainUntil: until });
    await tx.update(artifacts).set({ retainUntil: until }).where(eq(artifacts.id, row.id));
  }
  return row;
}
