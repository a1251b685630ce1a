import { createHash } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { AppError, notFound } from '../../core/errors.js';
import { isUuid, newId, newSecret } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import { requireCustomer } from '../customers/customers.js';
import { findOrder } from '../customers/orders.js';
import type { ArchiveDeps } from '../deps.js';
import { magicLinks, organizations, sessions, users } from '../schema.js';
import { inSystem, inTenant } from '../tenancy.js';
import { ensureUser } from '../tokens/tokens.js';
import { auditAuth, type ClientInfo } from './auth-audit.js';
import { createSession, type IssuedSession } from './sessions.js';
import { isBlocked, magicLinkRule, recordFailure } from './throttle.js';

/** A link is a bearer credential in an e-mail: it must not outlive the working week it is for. */
export const MAX_LINK_HOURS = 72;
type LinkRow = typeof magicLinks.$inferSelect;
const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const view = (l: LinkRow) => ({
  id: l.id,
  customerId: l.customerId,
  orderId: l.orderId,
  email: l.email,
  expiresAt: l.expiresAt.toISOString(),
  usedAt: l.usedAt?.toISOString() ?? null,
  revokedAt: l.revokedAt?.toISOString() ?? null,
  revokedReason: l.revokedReason,
  createdAt: l.createdAt.toISOString(),
});

/**
 * Issues a single-use link for one customer (optionally one order) and a named person. The token
 * is `<orgId>.<256 random bits>`; only its SHA-256 is stored. The organization part is not
 * secret: it says whose audit trail a failed redemption belongs to.
 */
export async function issueMagicLink(
  deps: ArchiveDeps,
  actor: Actor,
  publicUrl: string,
  input: { customerId: string; orderId?: string | undefined; email: string; expiresInHours?: number | undefined },
) {
  await customerInScope(deps, actor, input.customerId);
  const hours = input.expiresInHours ?? MAX_LINK_HOURS;
  if (hours <= 0 || hours > MAX_LINK_HOURS) throw new AppError('validation_failed', `links live at most ${MAX_LINK_HOURS} hours`);
  const token = `${actor.orgId}.${newSecret(32)}`;
  return inTenant(deps.db, actor, async (tx) => {
    if (input.orderId) {
      const order = await findOrder(tx, actor.orgId, input.orderId);
      if (!order || order.customerId !== input.customerId) throw notFound('order');
      if (order.status !== 'open') throw new AppError('conflict', 'the order is closed');
    }
    const [row] = (await tx
      .insert(magicLinks)
      .values({
        id: newId(),
        orgId: actor.orgId,
        customerId: input.customerId,
        orderId: input.orderId ?? null,
        email: input.email.trim().toLowerCase(),
        tokenHash: hash(token),
        expiresAt: new Date(deps.clock.now().getTime() + hours * 3_600_000),
        createdBy: actor.userId,
      })
      .returning()) as [LinkRow];
    const { id, email, customerId, orderId, expiresAt } = view(row);
    await appendAudit(tx, deps.clock, actor, {
      action: 'magic_link.issue',
      targetType: 'magic_link',
      targetId: id,
      details: { email, customerId, orderId, expiresAt },
    });
    return { ...view(row), url: `${publicUrl.replace(/\/$/, '')}/portal/#/magic/${encodeURIComponent(token)}` };
  });
}

export async function listActiveLinks(deps: ArchiveDeps, actor: Actor, customerId: string) {
  await customerInScope(deps, actor, customerId);
  const rows = await inTenant(deps.db, actor, async (tx) => {
    return tx
      .select()
      .from(magicLinks)
      .where(
        and(
          eq(magicLinks.orgId, actor.orgId),
          eq(magicLinks.customerId, customerId),
          isNull(magicLinks.usedAt),
          isNull(magicLinks.revokedAt),
          gt(magicLinks.expiresAt, deps.clock.now()),
        ),
      )
      .orderBy(desc(magicLinks.createdAt));
  });
  return rows.map(view);
}

/** Revokes one link, or every link of a contact (by e-mail) whose access is withdrawn. */
export async function revokeLinks(deps: ArchiveDeps, actor: Actor, customerId: string, which: { id: string } | { email: string }) {
  await customerInScope(deps, actor, customerId);
  return inTenant(deps.db, actor, async (tx) => {
    const match = 'id' in which ? eq(magicLinks.id, which.id) : eq(magicLinks.email, which.email.trim().toLowerCase());
    const reason = 'id' in which ? 'revoked' : 'contact_removed';
    const rows = await tx
      .update(magicLinks)
      .set({ revokedAt: deps.clock.now(), revokedReason: reason })
      .where(
        and(
          eq(magicLinks.orgId, actor.orgId),
          eq(magicLinks.customerId, customerId),
          match,
          isNull(magicLinks.revokedAt),
          isNull(magicLinks.usedAt),
        ),
      )
      .returning();
    if ('id' in which && rows.length === 0) throw notFound('magic link');
    if ('email' in which) {
      // A removed contact also loses the sessions their links already opened.
      const people = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.orgId, actor.orgId), eq(users.customerId, customerId), eq(users.email, which.email.trim().toLowerCase())));
      for (const p of people)
        await tx
          .update(sessions)
          .set({ revokedAt: deps.clock.now() })
          .where(and(eq(sessions.userId, p.id), isNull(sessions.revokedAt)));
    }
    for (const r of rows)
      await appendAudit(tx, deps.clock, actor, {
        action: 'magic_link.revoke',
        targetType: 'magic_link',
        targetId: r.id,
        details: { reason },
      });
    return rows.length;
  });
}

/**
 * Redeems a link into a customer session, once. Failures count against the client address; the
 * failure that crosses the limit blocks the address and is audited as suspicious, once per block.
 */
export async function redeemMagicLink(deps: ArchiveDeps, client: ClientInfo, token: string): Promise<IssuedSession> {
  const now = deps.clock.now();
  const ipKey = `magic:ip:${client.ip ?? 'unknown'}`;
  if (await isBlocked(deps.db, ipKey, now)) throw new AppError('too_many_requests', 'too many invalid links from your address; try later');
  const [link] = await inSystem(deps.db, (tx) =>
    tx
      .select()
      .from(magicLinks)
      .where(eq(magicLinks.tokenHash, hash(token))),
  );
  const live = link && !link.usedAt && !link.revokedAt && link.expiresAt.getTime() > now.getTime();
  const claimed =
    live &&
    (await inTenant(deps.db, { orgId: link.orgId, customerId: null }, (tx) =>
      tx
        .update(magicLinks)
        .set({ usedAt: now })
        .where(and(eq(magicLinks.id, link.id), isNull(magicLinks.usedAt), isNull(magicLinks.revokedAt)))
        .returning({ id: magicLinks.id }),
    ).then((r) => r.length === 1));
  if (!link || !claimed) {
    const { blockedNow } = await recordFailure(deps.db, ipKey, now, magicLinkRule);
    const orgId = link?.orgId ?? (await orgNamedBy(deps, token));
    if (link) {
      const reason = link.usedAt ? 'used' : link.revokedAt ? `revoked:${link.revokedReason}` : 'expired';
      await auditAuth(deps.db, deps.clock, link.orgId, client, {
        action: 'auth.magic_link',
        targetType: 'magic_link',
        targetId: link.id,
        outcome: 'failure',
        details: { reason },
      });
    }
    if (blockedNow && orgId) {
      await auditAuth(deps.db, deps.clock, orgId, client, {
        action: 'auth.suspicious',
        outcome: 'denied',
        details: { what: 'magic link guessing', ip: client.ip, blockedForMinutes: magicLinkRule.blockMs / 60_000 },
      });
    }
    throw new AppError('unauthenticated', 'this link is not valid: it may be used, expired or revoked');
  }
  const tenant = { orgId: link.orgId, customerId: null };
  const session = await inTenant(deps.db, tenant, async (tx) => {
    const userId = await ensureUser(tx, link.orgId, link.email, 'customer', link.customerId);
    return createSession(tx, deps.clock, {
      orgId: link.orgId,
      userId,
      role: 'customer',
      customerId: link.customerId,
      orderId: link.orderId,
      via: 'magic_link',
    });
  });
  await auditAuth(
    deps.db,
    deps.clock,
    link.orgId,
    { ...client, userId: session.row.userId, customerId: link.customerId },
    {
      action: 'auth.magic_link',
      targetType: 'magic_link',
      targetId: link.id,
      details: { session: session.row.id, orderId: link.orderId },
    },
  );
  return session;
}

async function orgNamedBy(deps: ArchiveDeps, token: string): Promise<string | null> {
  const prefix = token.split('.')[0] ?? '';
  if (!isUuid(prefix)) return null;
  const [org] = await inSystem(deps.db, (tx) =>
    tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, prefix)),
  );
  return org?.id ?? null;
}

/** The customer must exist in the caller's scope (else 404) before the permission is judged. */
async function customerInScope(deps: ArchiveDeps, actor: Actor, customerId: string): Promise<void> {
  await inTenant(deps.db, actor, (tx) => requireCustomer(tx, actor.orgId, customerId));
  await authorize(deps, actor, 'magic_link.manage', 'customer', { orgId: actor.orgId, customerId }, { type: 'customer', id: customerId });
}
