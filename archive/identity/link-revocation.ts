import { and, eq, isNull } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../db.js';
import { magicLinks, sessions } from '../schema.js';

/**
 * When an order closes, its customer-facing access ends with it: unused links for the order are
 * revoked and sessions opened from them end. Returns how many links were revoked.
 */
export async function revokeOrderAccess(tx: Db, clock: Clock, orgId: string, orderId: string): Promise<number> {
  const now = clock.now();
  const revoked = await tx
    .update(magicLinks)
    .set({ revokedAt: now, revokedReason: 'order_closed' })
    .where(and(eq(magicLinks.orgId, orgId), eq(magicLinks.orderId, orderId), isNull(magicLinks.revokedAt), isNull(magicLinks.usedAt)))
    .returning({ id: magicLinks.id });
  await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.orgId, orgId), eq(sessions.orderId, orderId), isNull(sessions.revokedAt)));
  return revoked.length;
}
