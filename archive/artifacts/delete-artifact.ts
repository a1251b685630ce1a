import { eq } from 'drizzle-orm';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { mayDelete } from '../../policies/retention.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { artifacts } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { requireArtifactFor } from './find-artifact.js';

/**
 * Disposal of an artifact. Before retain-until, or under legal hold, it is refused and the
 * attempt is audited; the store refuses independently (Object Lock on S3). After expiry the
 * object is removed and the row kept, marked disposed, so history stays complete.
 */
export async function deleteArtifact(deps: ArchiveDeps, actor: Actor, sha256: string): Promise<void> {
  const row = await requireArtifactFor(deps, actor, sha256, 'artifact.delete');
  const now = deps.clock.now();
  if (!mayDelete({ retainUntil: row.retainUntil, legalHold: row.legalHold }, now)) {
    const code = row.legalHold ? 'legal_hold_active' : 'retention_locked';
    await inTenant(deps.db, actor, (tx) =>
      appendAudit(tx, deps.clock, actor, {
        action: 'artifact.delete',
        targetType: 'artifact',
        targetId: sha256,
        outcome: 'denied',
        details: { reason: code, retainUntil: row.retainUntil.toISOString() },
      }),
    );
    throw new AppError(
      code,
      row.legalHold
        ? 'the artifact is under legal hold and cannot be deleted'
        : `the artifact is retained until ${row.retainUntil.toISOString()} and cannot be deleted before then`,
    );
  }
  await deps.store.delete({ key: row.storageKey, versionId: row.versionId });
  await inTenant(deps.db, actor, async (tx) => {
    await tx.update(artifacts).set({ disposedAt: now }).where(eq(artifacts.id, row.id));
    await appendAudit(tx, deps.clock, actor, { action: 'artifact.delete', targetType: 'artifact', targetId: sha256 });
  });
}
