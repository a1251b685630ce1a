import { and, desc, eq, isNotNull, isNull, lt, notExists, or, sql } from 'drizzle-orm';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../access.js';
import type { ArchiveDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { artifacts, documentRevisions, documents, extractions, fieldReviews } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { isDismissed, pendingFields, type ReviewLike, recheckFields, type StoredResult } from './fields.js';

/**
 * Why a document waits: `failed` — no reading at all (encrypted, malformed, timeout, no text),
 * fields to enter by hand or the item to dismiss; `changed_reading` — a re-extraction reads a
 * field differently from what a controller had settled; `low_confidence` — fields below the
 * auto-accept confidence nobody has reviewed yet.
 */
export type ReviewKind = 'failed' | 'changed_reading' | 'low_confidence';

/**
 * Documents waiting for a controller, by the current extraction of each artifact (its newest
 * successful one, else its newest failed one). Newest first, cursor-paginated; export-controlled
 * files stay invisible without clearance.
 */
export async function listReviewQueue(
  deps: ArchiveDeps,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined },
  autoAccept: number,
) {
  await authorize(deps, actor, 'document.review', 'review queue');
  return inTenant(deps.db, actor, async (tx) => {
    const scope = [eq(extractions.orgId, actor.orgId), isNull(artifacts.disposedAt)];
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
        error: extractions.error,
        createdAt: extractions.createdAt,
      })
      .from(extractions)
      .innerJoin(artifacts, eq(artifacts.id, extractions.artifactId))
      .where(and(...scope))
      .orderBy(extractions.artifactId, sql`${extractions.error} is null desc`, desc(extractions.createdAt), desc(extractions.id))
      .as('latest');
    const recheck = sql`exists (select 1 from ${fieldReviews} where ${fieldReviews.extractionId} = ${latest.id}
      and ${fieldReviews.action} = 'recheck')`;
    const pos = query.cursor ? decodeCursor(query.cursor) : null;
    const cap = query.limit * 4 + 1;
    const scanned = await tx
      .select()
      .from(latest)
      .where(
        and(
          or(isNotNull(latest.error), lt(latest.minConfidence, autoAccept), recheck),
          pos ? or(lt(latest.createdAt, pos.createdAt), and(eq(latest.createdAt, pos.createdAt), lt(latest.id, pos.id))) : undefined,
        ),
      )
      .orderBy(desc(latest.createdAt), desc(latest.id))
      .limit(cap);
    // Fully reviewed extractions drop out here rather than in SQL: "reviewed" depends on which
    // low-confidence fields each one has, which lives in its JSONB.
    const open = [];
    for (const r of scanned) {
      const reviews = await tx.select().from(fieldReviews).where(eq(fieldReviews.extractionId, r.id));
      const item = queueItem(r, reviews, autoAccept);
      if (item) open.push({ ...item, createdAt: r.createdAt, id: r.id });
    }
    const page = open.slice(0, query.limit);
    // More may follow when this page is full, or when the scan stopped at its cap.
    const next = open.length > query.limit ? page.at(-1) : scanned.length === cap ? scanned.at(-1) : undefined;
    return {
      items: page.map(({ id: _id, ...item }) => ({ ...item, createdAt: item.createdAt.toISOString() })),
      nextCursor: next ? encodeCursor({ createdAt: next.createdAt, id: next.id }) : null,
    };
  });
}

interface Scanned {
  id: string;
  artifactSha256: string;
  extractorVersion: string;
  docClass: string | null;
  certType: string | null;
  minConfidence: number | null;
  result: unknown;
  error: unknown;
}

interface QueueItem {
  extractionId: string;
  artifactSha256: string;
  kind: ReviewKind;
  extractorVersion: string;
  docClass: string | null;
  certType: string | null;
  minConfidence: number | null;
  pendingFields: string[];
  changedFields: string[];
  error: { code: string; message: string } | null;
}

/** The queue entry for one current extraction, or null when nothing is left to do on it. */
function queueItem(r: Scanned, reviews: readonly ReviewLike[], autoAccept: number): QueueItem | null {
  const base = {
    extractionId: r.id,
    artifactSha256: r.artifactSha256,
    extractorVersion: r.extractorVersion,
    docClass: r.docClass,
    certType: r.certType,
    minConfidence: r.minConfidence,
    error: (r.error as { code: string; message: string } | null) ?? null,
  };
  if (base.error) {
    return isDismissed(reviews) ? null : { ...base, kind: 'failed', pendingFields: [], changedFields: [] };
  }
  const pendingFieldsLeft = pendingFields(r.result as StoredResult, reviews, autoAccept);
  if (pendingFieldsLeft.length === 0) return null;
  const changedFields = recheckFields(reviews);
  return {
    ...base,
    kind: changedFields.length > 0 ? 'changed_reading' : 'low_confidence',
    pendingFields: pendingFieldsLeft,
    changedFields,
  };
}
