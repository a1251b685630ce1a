import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { lockKey } from '../adapters/database.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { fieldReviews } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { currentExtraction, reviewsOf } from './current.js';
import { isDismissed, WHOLE_EXTRACTION } from './fields.js';
import { extractionView, findReviewTarget } from './review.js';
import { extractionLock } from './store-extraction.js';

/**
 * A controller closes a failed extraction in the review queue: the fields needed have been
 * entered by hand (corrections), or the file is not worth reading. Recorded as a review of the
 * whole extraction with the reason — a new row like every review; dismissing twice adds nothing.
 * Only failed extractions are dismissed: a reading with fields is reviewed field by field.
 */
export async function dismissFailedExtraction(deps: ArchiveDeps, actor: Actor, extractionId: string, reason: string, autoAccept: number) {
  const { found, artifact } = await findReviewTarget(deps, actor, extractionId);
  return inTenant(deps.db, actor, async (tx) => {
    await lockKey(tx, extractionLock(actor.orgId, artifact.id));
    const current = await currentExtraction(tx, actor.orgId, artifact.id);
    if (!current || current.id !== extractionId) throw new AppError('conflict', 'this extraction has been superseded by a newer one');
    if (current.result !== null) throw new AppError('conflict', 'only a failed extraction can be dismissed; review its fields instead');
    const before = await reviewsOf(tx, current.id);
    if (isDismissed(before)) return { artifactSha256: found.sha256, extraction: extractionView(current, before, autoAccept, actor) };
    const last = before.at(-1)?.createdAt.getTime() ?? 0;
    const [review] = await tx
      .insert(fieldReviews)
      .values({
        id: newId(),
        orgId: actor.orgId,
        extractionId,
        field: WHOLE_EXTRACTION,
        action: 'dismiss',
        value: { reason },
        reviewer: actor.userId,
        createdAt: new Date(Math.max(deps.clock.now().getTime(), last + 1)),
      })
      .returning();
    await appendAudit(tx, deps.clock, actor, {
      action: 'extraction.dismiss',
      targetType: 'artifact',
      targetId: found.sha256,
      details: { extractionId, error: (current.error as { code?: string } | null)?.code ?? null, reason },
    });
    const reviews = review ? [...before, review] : before;
    return { artifactSha256: found.sha256, extraction: extractionView(current, reviews, autoAccept, actor) };
  });
}
