import type { Clock } from '../../core/clock.js';
import type { Actor } from '../../policies/actor.js';
import type { Role } from '../../policies/roles.js';
import { type AuditEvent, appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import { inTenant } from '../tenancy.js';

/** Where an unauthenticated request came from: all we know before sign-in succeeds. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Audits an authentication event in `orgId`'s chain, in its own transaction: failures must be
 * recorded even though the request they belong to is refused. `userId` is the account concerned
 * (or `anonymous` when there is none), so the trail answers "who tried to get in as whom".
 */
export async function auditAuth(
  db: Db,
  clock: Clock,
  orgId: string,
  who: ClientInfo & { userId?: string | null; role?: Role; customerId?: string | null },
  event: AuditEvent,
): Promise<void> {
  const actor: Actor = {
    orgId,
    userId: who.userId ?? 'anonymous',
    role: who.role ?? 'customer',
    customerId: who.customerId ?? null,
    ip: who.ip,
    userAgent: who.userAgent,
  };
  await inTenant(db, { orgId, customerId: null }, (tx) => appendAudit(tx, clock, actor, event));
}
