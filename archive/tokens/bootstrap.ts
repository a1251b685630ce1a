import { eq } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import { organizations } from '../schema.js';
import { inSystem } from '../tenancy.js';
import { ensureUser, issueToken } from './tokens.js';

/**
 * Creates (or finds) an organization and its admin and issues a fresh admin API token.
 * Idempotent on the organization and user; every call issues a new token (the old ones stay
 * valid until revoked), since a token can never be shown twice.
 */
export async function bootstrap(db: Db, clock: Clock, input: { orgName: string; email: string }) {
  return inSystem(db, async (tx) => {
    const [found] = await tx.select().from(organizations).where(eq(organizations.name, input.orgName));
    const orgId = found?.id ?? newId();
    if (!found) await tx.insert(organizations).values({ id: orgId, name: input.orgName });
    const userId = await ensureUser(tx, orgId, input.email, 'admin');
    const { row, secret } = await issueToken(tx, { orgId, userId, name: 'bootstrap', role: 'admin', expiresAt: null });
    const actor = systemActor(orgId);
    if (!found)
      await appendAudit(tx, clock, actor, {
        action: 'organization.create',
        targetType: 'organization',
        targetId: orgId,
        details: { name: input.orgName },
      });
    await appendAudit(tx, clock, actor, {
      action: 'token.create',
      targetType: 'token',
      targetId: row.id,
      details: { role: 'admin', email: input.email, via: 'bootstrap' },
    });
    return { orgId, token: secret };
  });
}
