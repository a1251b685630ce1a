import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import { fieldReviews } from '../schema.js';
import { type ExtractionRow, type ReviewRow, reviewsOf } from './current.js';
import { carriedOverReviewer, lastReviews, type ReviewAction, type StoredResult, sameValue, WHOLE_EXTRACTION } from './fields.js';

/**
 * Carries a controller's work over to a new reading of the same artifact, so a re-extraction
 * (new extractor version, `arkiv reextract`) never silently undoes it. For each field reviewed on
 * the previous current extraction, the last review says what the human holds to be on the paper:
 * - the new reading agrees → `confirm` on the new extraction;
 * - it disagrees as the old reading did (the machine reads what the human already overruled) →
 *   `correct`: the human value stands, nothing new to look at;
 * - it disagrees and the machine now reads something new, or an earlier disagreement is still
 *   unanswered → `recheck`: the human value still stands, and the document goes back to the
 *   review queue so a person looks again.
 * A dismissal of a failed extraction carries over only to another failed one. The new rows name
 * the review they repeat (which names the person); both tables stay append-only.
 */
export async function carryReviews(
  tx: Db,
  clock: Clock,
  actor: Actor,
  context: { previous: ExtractionRow; next: ExtractionRow; artifactSha256: string },
): Promise<ReviewRow[]> {
  const { previous, next } = context;
  const last = lastReviews(await reviewsOf(tx, previous.id));
  if (last.size === 0) return [];
  const before = (previous.result as StoredResult | null)?.fields ?? {};
  const now = (next.result as StoredResult | null)?.fields ?? {};
  const createdAt = clock.now();
  const rows: (typeof fieldReviews.$inferInsert)[] = [];
  for (const [field, review] of last) {
    const action = carriedAction(field, review, before[field], now[field], next.result === null);
    if (!action) continue;
    rows.push({
      id: newId(),
      orgId: next.orgId,
      extractionId: next.id,
      field,
      action,
      value: review.value ?? null,
      reviewer: carriedOverReviewer(review.id),
      createdAt,
    });
  }
  if (rows.length === 0) return [];
  const carried = await tx.insert(fieldReviews).values(rows).returning();
  const fieldsWith = (action: ReviewAction) => carried.filter((r) => r.action === action).map((r) => r.field);
  await appendAudit(tx, clock, actor, {
    action: 'extraction.reviews_carried_over',
    targetType: 'artifact',
    targetId: context.artifactSha256,
    details: {
      extractionId: next.id,
      fromExtractionId: previous.id,
      confirmed: fieldsWith('confirm'),
      corrected: fieldsWith('correct'),
      recheck: fieldsWith('recheck'),
      dismissed: fieldsWith('dismiss').length > 0,
    },
  });
  return carried;
}

function carriedAction(field: string, review: ReviewRow, machineBefore: unknown, machineNow: unknown, nextFailed: boolean) {
  if (field === WHOLE_EXTRACTION) return review.action === 'dismiss' && nextFailed ? 'dismiss' : null;
  if (sameValue(machineNow, review.value)) return 'confirm';
  if (review.action === 'recheck' || !sameValue(machineNow, machineBefore)) return 'recheck';
  return 'correct';
}
