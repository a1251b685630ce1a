import { and, eq, exists, notExists } from 'drizzle-orm';
import type { Actor } from '../../policies/actor.js';
import type { Db } from '../db.js';
import { artifacts, documentRevisions, documents } from '../schema.js';
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
