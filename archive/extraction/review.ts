import { and, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { lockKey } from '../adapters/database.js';
import { requireArtifactFor } from '../artifacts/find-artifact.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { SEARCH_INDEX_JOB } from '../jobs/job-kinds.js';
import { enqueueJob } from '../jobs/queue.js';
import { artifacts, extractions, fieldReviews } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { currentExtraction, type ExtractionRow, type ReviewRow, reviewsOf } from './current.js';
import { effectiveFields, FIELD_KINDS, fitsField, pendingFields, type ReviewAction, type StoredResult } from './fields.js';
import { rebuildProjection } from './projection.js';
import { extractionLock } from './store-extraction.js';

type Deps = ArchiveDeps;

export interface ReviewInput {
  field: string;
  action: 'confirm' | 'correct';
  value?: unknown;
}

/** The artifact's current extraction with its reviews merged into effective values (null if none yet). */
export async function getExtraction(deps: Deps, actor: Actor, sha256: string, autoAccept: number) {
  const artifact = await requireArtifactFor(deps, actor, sha256, 'artifact.read');
  return inTenant(deps.db, actor, async (tx) => {
    const row = await currentExtraction(tx, actor.orgId, artifact.id);
    const reviews = row ? await reviewsOf(tx, row.id) : [];
    await appendAudit(tx, deps.clock, actor, {
      action: 'extraction.read',
      targetType: 'artifact',
      targetId: sha256,
      details: { extractionId: row?.id ?? null },
    });
    return { artifactSha256: sha256, extraction: row ? extractionView(row, reviews, autoAccept, actor) : null };
  });
}

/**
 * A controller confirms or corrects one field. The review is a new row; the extraction row is
 * never touched (a trigger rejects it anyway); the promoted columns are rebuilt to the
 * effective values. Only the current extraction can be reviewed: a superseded one no longer
 * speaks for the document.
 */
export async function reviewField(deps: Deps, actor: Actor, extractionId: string, input: ReviewInput, autoAccept: number) {
  const { found, artifact } = await findReviewTarget(deps, actor, extractionId);
  if (!Object.hasOwn(FIELD_KINDS, input.field)) throw new AppError('validation_failed', `field: unknown field ${input.field}`);
  if (input.action === 'correct' && (input.value === undefined || !fitsField(input.field, input.value))) {
    throw new AppError('validation_failed', `value: not a valid ${input.field}`);
  }
  return inTenant(deps.db, actor, async (tx) => {
    const { current, before } = await lockCurrentExtraction(tx, actor, artifact.id, extractionId);
    // On a failed extraction (no result) a correction is how a controller enters a field by hand.
    const shown = effectiveFields(current.result as StoredResult | null, before)[input.field];
    const value = input.action === 'correct' ? input.value : (shown ?? null);
    const reviews = await appendReview(tx, deps, actor, before, { extractionId, field: input.field, action: input.action, value });
    await rebuildProjection(tx, current, reviews);
    await enqueueJob(tx, { kind: SEARCH_INDEX_JOB, orgId: actor.orgId, payload: { artifactId: artifact.id } });
    await appendAudit(tx, deps.clock, actor, {
      action: 'extraction.review',
      targetType: 'artifact',
      targetId: found.sha256,
      details: { extractionId, field: input.field, action: input.action },
    });
    return { artifactSha256: found.sha256, extraction: extractionView(current, reviews, autoAccept, actor) };
  });
}

/**
 * The artifact's current extraction and its reviews, under the extraction lock; a conflict when
 * `extractionId` is no longer the current one (a superseded reading no longer speaks for the document).
 */
export async function lockCurrentExtraction(tx: Db, actor: Actor, artifactId: string, extractionId: string) {
  await lockKey(tx, extractionLock(actor.orgId, artifactId));
  const current = await currentExtraction(tx, actor.orgId, artifactId);
  if (!current || current.id !== extractionId) throw new AppError('conflict', 'this extraction has been superseded by a newer one');
  return { current, before: await reviewsOf(tx, current.id) };
}

/**
 * Appends one review by `actor`, strictly after the previous one (so "the last review wins" never
 * depends on a tie); returns all reviews, the new one last.
 */
export async function appendReview(
  tx: Db,
  deps: Pick<Deps, 'clock'>,
  actor: Actor,
  before: ReviewRow[],
  review: { extractionId: string; field: string; action: string; value: unknown },
): Promise<ReviewRow[]> {
  const last = before.at(-1)?.createdAt.getTime() ?? 0;
  const [row] = await tx
    .insert(fieldReviews)
    .values({
      id: newId(),
      orgId: actor.orgId,
      ...review,
      reviewer: actor.userId,
      createdAt: new Date(Math.max(deps.clock.now().getTime(), last + 1)),
    })
    .returning();
  return row ? [...before, row] : before;
}

/** The extraction a controller means to review, with its artifact (404 when out of scope). */
export async function findReviewTarget(deps: Deps, actor: Actor, extractionId: string) {
  const [found] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select({ sha256: artifacts.sha256 })
      .from(extractions)
      .innerJoin(artifacts, eq(artifacts.id, extractions.artifactId))
      .where(and(eq(extractions.orgId, actor.orgId), eq(extractions.id, extractionId))),
  );
  if (!found) throw notFound('extraction');
  const artifact = await requireArtifactFor(deps, actor, found.sha256, 'document.review');
  return { found, artifact };
}

export function extractionView(row: ExtractionRow, reviews: ReviewRow[], autoAccept: number, actor: Actor) {
  const result = row.result as StoredResult | null;
  return {
    id: row.id,
    extractorVersion: row.extractorVersion,
    createdAt: row.createdAt.toISOString(),
    docClass: row.docClass,
    certType: row.certType,
    source: row.source,
    minConfidence: row.minConfidence,
    error: (row.error as { code: string; message: string } | null) ?? null,
    result,
    effectiveFields: effectiveFields(result, reviews),
    pendingReview: pendingFields(result, reviews, autoAccept),
    reviews: reviews.map((r) => ({
      id: r.id,
      field: r.field,
      action: r.action as ReviewAction,
      value: r.value ?? null,
      // Who reviewed is the supplier's internal business, not its customer's.
      reviewer: actor.customerId ? null : r.reviewer,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
