import { and, desc, eq, isNull, lt, notExists, or } from 'drizzle-orm';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../access.js';
import type { ArchiveDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { artifacts, documentRevisions, documents, extractions, fieldReviews } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { pendingFields, type StoredResult } from './fields.js';

/**
 * Documents waiting for a controller: the current (newest successful) extraction of each
 * artifact has a field below the auto-accept confidence that nobody has confirmed or corrected.
 * Newest first, cursor-paginated; export-controlled files stay invisible without clearance.
 */
export async function listReviewQueue(
  deps: ArchiveDeps,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined },
  autoAccept: number,
) {
  await authorize(deps, actor, 'document.review', 'review queue');
  return inTenant(deps.db, actor, async (tx) => {
    const scope = [eq(extractions.orgId, actor.orgId), isNull(extractions.error), isNull(artifacts.disposedAt)];
    if (!actor.exportClearance) {
      scope.push(
        notExists(
          tx
            .select({ one: documentRevisions.id })
            .from(documentRevisions)
            .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
            .where(and(eq(documentRevisions.artifactId, artifacts.id), eq(documents.exportControlled, true))),
        ),
      );
    }
    const latest = tx
      .selectDistinctOn([extractions.artifactId], {
        id: extractions.id,
        artifactSha256: artifacts.sha256,
        extractorVersion: extractions.extractorVersion,
        docClass: extractions.docClass,
        certType: extractions.certType,
        minConfidence: extractions.minConfidence,
        result: extractions.result,
        createdAt: extractions.createdAt,
      })
      .from(extractions)
      .innerJoin(artifacts, eq(artifacts.id, extractions.artifactId))
      .where(and(...scope))
      .orderBy(extractions.artifactId, desc(extractions.createdAt), desc(extractions.id))
      .as('latest');
    const pos = query.cursor ? decodeCursor(query.cursor) : null;
    const cap = query.limit * 4 + 1;
    const scanned = await tx
      .select()
      .from(latest)
      .where(
        and(
          lt(latest.minConfidence, autoAccept),
          pos ? or(lt(latest.createdAt, pos.createdAt), and(eq(latest.createdAt, pos.createdAt), lt(latest.id, pos.id))) : undefined,
        ),
      )
      .orderBy(desc(latest.createdAt), desc(latest.id))
      .limit(cap);
    // Fully reviewed extractions drop out here rather than in SQL: "reviewed" depends on which
    // low-confidence fields each one has, which lives in its JSONB.
    const pending = new Map<string, string[]>();
    for (const r of scanned) {
      const reviews = await tx.select().from(fieldReviews).where(eq(fieldReviews.extractionId, r.id));
      const fields = pendingFields(r.result as StoredResult, reviews, autoAccept);
      if (fields.length > 0) pending.set(r.id, fields);
    }
    const open = scanned.filter((r) => pending.has(r.id));
    const page = open.slice(0, query.limit);
    // More may follow when this page is full, or when the scan stopped at its cap.
    const next = open.length > query.limit ? page.at(-1) : scanned.length === cap ? scanned.at(-1) : undefined;
    return {
      items: page.map((r) => ({
        extractionId: r.id,
        artifactSha256: r.artifactSha256,
        extractorVersion: r.extractorVersion,
        docClass: r.docClass,
        certType: r.certType,
        minConfidence: r.minConfidence,
        pendingFields: pending.get(r.id) ?? [],
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor: next ? encodeCursor({ createdAt: next.createdAt, id: next.id }) : null,
    };
  });
}
