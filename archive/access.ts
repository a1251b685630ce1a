import { AppError } from '../core/errors.js';
import { decide, type ResourceScope } from '../policies/access.js';
import type { Actor } from '../policies/actor.js';
import type { Permission } from '../policies/roles.js';
import { appendAudit } from './audit/append.js';
import type { ArchiveDeps } from './deps.js';
import { inTenant } from './tenancy.js';

/**
 * The one access check every use case calls first. A refusal is audited (in its own
 * transaction, so it survives the failed request). Outside the caller's scope (another
 * organization or customer) the answer is "not found", so existence never leaks; inside it, a
 * missing permission is "forbidden".
 */
export async function authorize(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  actor: Actor,
  permission: Permission,
  what: string,
  scope?: ResourceScope,
  target?: { type: string; id: string },
): Promise<void> {
  const decision = decide(actor, permission, scope);
  if (decision.allowed) return;
  await inTenant(deps.db, actor, (tx) =>
    appendAudit(tx, deps.clock, actor, {
      action: 'access.denied',
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      outcome: 'denied',
      details: { permission, reason: decision.reason },
    }),
  );
  if (decision.reason === 'scope') throw new AppError('not_found', `${what} not found`);
  throw new AppError('forbidden', `your role may not do this (${permission})`);
}
