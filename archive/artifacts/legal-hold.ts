import { eq } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { demandFreshStepUp } from '../identity/step-up.js';
import { artifacts, legalHoldEvents } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { artifactView } from './artifact-view.js';
import { requireArtifactFor } from './find-artifact.js';

/**
 * Places or releases a legal hold. The store is changed first (on S3, the object's own legal
 * hold), then the row, the append-only hold history and the audit entry commit together.
 */
export async function setLegalHold(deps: ArchiveDeps, actor: Actor, sha256: string, on: boolean, reason: string) {
  const row = await requireArtifactFor(deps, actor, sha256, 'legal_hold.set');
  // A hold blocks disposal and its release re-enables it: both need a second factor just proven.
  await demandFreshStepUp(deps, actor, { type: 'artifact', id: sha256 }, on ? 'legal_hold.set' : 'legal_hold.release');
  await deps.store.setLegalHold({ key: row.storageKey, versionId: row.versionId }, on);
  return inTenant(deps.db, actor, async (tx) => {
    const [updated] = await tx.update(artifacts).set({ legalHold: on }).where(eq(artifacts.id, row.id)).returning();
    await tx.insert(legalHoldEvents).values({ id: newId(), orgId: actor.orgId, artifactId: row.id, on, reason, actorId: actor.userId });
    await appendAudit(tx, deps.clock, actor, {
      action: on ? 'legal_hold.set' : 'legal_hold.release',
      targetType: 'artifact',
      targetId: sha256,
      details: { reason },
    });
    return artifactView(updated ?? row);
  });
}
