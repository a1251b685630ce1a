import { eq } from 'drizzle-orm';
import { type Clock, systemClock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { isStepUpFresh, STEP_UP_TTL_MS } from '../../policies/step-up.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { apiTokens } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { type IssuedSession, rotateSession, type SessionRow } from './sessions.js';

/**
 * For irreversible acts (signing, legal holds): the caller must have confirmed a TOTP code within
 * the last few minutes. Call it right after `authorize`, so a missing permission still reads 403.
 */
export function requireFreshStepUp(actor: Actor, clock: Clock = systemClock): void {
  if (!isStepUpFresh(actor, clock.now())) {
    throw new AppError('step_up_required', 'confirm with your authenticator first (POST /api/v1/auth/step-up)');
  }
}

/**
 * `requireFreshStepUp` for use cases: a refusal is also written to the audit trail (in its own
 * transaction, so it survives the failed request), as every permission denial is.
 */
export async function demandFreshStepUp(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  actor: Actor,
  target: { type: string; id: string },
  act: string,
): Promise<void> {
  if (isStepUpFresh(actor, deps.clock.now())) return;
  await inTenant(deps.db, actor, (tx) =>
    appendAudit(tx, deps.clock, actor, {
      action: 'access.denied',
      targetType: target.type,
      targetId: target.id,
      outcome: 'denied',
      details: { reason: 'step_up_required', act },
    }),
  );
  requireFreshStepUp(actor, deps.clock);
}

export type StepUpTarget = { kind: 'session'; session: SessionRow } | { kind: 'token'; tokenId: string };

/**
 * Records a step-up. A session is rotated (new id and CSRF token, old one revoked): elevation
 * must not extend to a cookie captured earlier. An API token gets a short-lived grant instead.
 */
export async function recordStepUp(
  deps: ArchiveDeps,
  actor: Actor,
  target: StepUpTarget,
): Promise<{ freshUntil: Date; session: IssuedSession | null }> {
  const at = deps.clock.now();
  const freshUntil = new Date(at.getTime() + STEP_UP_TTL_MS);
  return inTenant(deps.db, actor, async (tx) => {
    if (target.kind === 'session') return { freshUntil, session: await rotateSession(tx, deps.clock, target.session, { stepUpAt: at }) };
    await tx.update(apiTokens).set({ stepUpAt: at }).where(eq(apiTokens.id, target.tokenId));
    return { freshUntil, session: null };
  });
}
