import { and, eq, exists, notExists } from 'drizzle-orm';
import { notFound } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import type { Permission } from '../../policies/roles.js';
import { authorize } from '../access.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { artifacts, documentRevisions, documents } from '../schema.js';
import { inTenant } from '../tenancy.js';
import type { ArtifactRow } from './artifact-view.js';

/**
 * Looks an artifact up inside the caller's scope only: the organization always, and for a
 * customer user, only bytes that belong to a published document of their own customer.
 */
export async function findArtifactInScope(db: Db, actor: Actor, sha256: string): Promise<ArtifactRow | null> {
  const conditions = [eq(artifacts.orgId, actor.orgId), eq(artifacts.sha256, sha256)];
  if (actor.customerId !== null) {
    conditions.push(
      exists(
        db
          .select({ one: documentRevisions.id })
          .from(documentRevisions)
          .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
          .where(
            and(
              eq(documentRevisions.artifactId, artifacts.id),
              eq(documents.orgId, actor.orgId),
              eq(documents.customerId, actor.customerId),
              eq(documents.published, true),
            ),
          ),
      ),
    );
  }
  if (actor.orderId) {
    conditions.push(
      exists(
        db
          .select({ one: documentRevisions.id })
          .from(documentRevisions)
          .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
          .where(and(eq(documentRevisions.artifactId, artifacts.id), eq(documents.orderId, actor.orderId), eq(documents.published, true))),
      ),
    );
  }
  if (!actor.exportClearance) {
    // Bytes filed under an export-controlled document are controlled too, whoever asks by hash.
    conditions.push(
      notExists(
        db
          .select({ one: documentRevisions.id })
          .from(documentRevisions)
          .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
          .where(and(eq(documentRevisions.artifactId, artifacts.id), eq(documents.exportControlled, true))),
      ),
    );
  }
  const [row] = await db
    .select()
    .from(artifacts)
    .where(and(...conditions));
  return row ?? null;
}

/**
 * The start of every use case on one artifact: find it in the caller's scope (404 otherwise,
 * also once disposed), then check the permission for what the caller is about to do.
 */
export async function requireArtifactFor(deps: ArchiveDeps, actor: Actor, sha256: string, permission: Permission): Promise<ArtifactRow> {
  const row = await inTenant(deps.db, actor, (tx) => findArtifactInScope(tx, actor, sha256));
  if (!row || row.disposedAt) throw notFound('artifact');
  // findArtifactInScope already limited a customer user to bytes of their own published
  // documents, so the row carries the caller's customer scope.
  const scope = { orgId: row.orgId, customerId: actor.customerId, published: true };
  await authorize(deps, actor, permission, 'artifact', scope, { type: 'artifact', id: sha256 });
  return row;
}
