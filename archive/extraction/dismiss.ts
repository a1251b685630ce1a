import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { inTenant } from '../tenancy.js';
import { isDismissed, WHOLE_EXTRACTION } from './fields.js';
import { appendReview, extractionView, findReviewTarget, lockCurrentExtraction } from './review.js';

/**
 * A controller closes a failed extraction in the review queue: the fields needed have been
 * entered by hand (corrections), or the file is not worth reading. Recorded as a review of the
 * whole extraction with the reason — a new row like every review; dismissing twice adds nothing.
 * Only failed extractions are dismissed: a reading with fields is reviewed field by field.
 */
export async function dismissFailedExtraction(deps: ArchiveDeps, actor: Actor, extractionId: string, reason: string, autoAccept: number) {
  const { found, artifact } = await findReviewTarget(deps, actor, extractionId);
  return inTenant(deps.db, actor, async (tx) => {
    const { current, before } = await lockCurrentExtraction(tx, actor, artifact.id, extractionId);
    if (current.result !== null) throw new AppError('conflict', 'only a failed extraction can be dismissed; review its fields instead');
    if (isDismissed(before)) return { artifactSha256: found.sha256, extraction: extractionView(current, before, autoAccept, actor) };
    const reviews = await appendReview(tx, deps, actor, before, {
      extractionId,
      field: WHOLE_EXTRACTION,
      action: 'dismiss',
      value: { reason },
    });
    await appendAudit(tx, deps.clock, actor, {
      action: 'extraction.dismiss',
      targetType: 'artifact',
      targetId: found.sha256,
      details: { extractionId, error: (current.error as { code?: string } | null)?.code ?? null, reason },
    });
    return { artifactSha256: found.sha256, extraction: extractionView(current, reviews, autoAccept, actor) };
  });
}
