import { and, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import type { Permission } from '../../policies/roles.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { revokeOrderAccess } from '../identity/link-revocation.js';
import { afterCursor, newestFirst, type Page, toPage } from '../pagination.js';
import { orders } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { requireCustomer } from './customers.js';

type OrderRow = typeof orders.$inferSelect;

const view = (row: OrderRow) => ({
  id: row.id,
  customerId: row.customerId,
  number: row.number,
  title: row.title,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
});
export type OrderView = ReturnType<typeof view>;

export async function createOrder(
  deps: ArchiveDeps,
  actor: Actor,
  input: { customerId: string; number: string; title?: string | undefined },
) {
  await authorize(deps, actor, 'order.manage', 'order');
  await inTenant(deps.db, actor, (tx) => requireCustomer(tx, actor.orgId, input.customerId));
  return inTenant(deps.db, actor, async (tx) => {
    const [dup] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.orgId, actor.orgId), eq(orders.number, input.number)));
    if (dup) throw new AppError('conflict', `order ${input.number} already exists`);
    const [row] = (await tx
      .insert(orders)
      .values({ id: newId(), orgId: actor.orgId, customerId: input.customerId, number: input.number, title: input.title ?? null })
      .returning()) as [OrderRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'order.create',
      targetType: 'order',
      targetId: row.id,
      details: { number: row.number },
    });
    return view(row);
  });
}

export async function listOrders(
  deps: ArchiveDeps,
  actor: Actor,
  opts: { cursor?: string | undefined; limit: number; customerId?: string | undefined },
): Promise<Page<OrderView>> {
  await authorize(deps, actor, 'order.read', 'order');
  // Customer users are pinned to their own customer whatever filter they pass.
  const customerId = actor.customerId ?? opts.customerId;
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.orgId, actor.orgId),
          customerId ? eq(orders.customerId, customerId) : undefined,
          actor.orderId ? eq(orders.id, actor.orderId) : undefined,
          afterCursor(orders.createdAt, orders.id, opts.cursor),
        ),
      )
      .orderBy(...newestFirst(orders.createdAt, orders.id))
      .limit(opts.limit + 1),
  );
  const page = toPage(rows, opts.limit);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

export async function getOrder(deps: ArchiveDeps, actor: Actor, id: string) {
  return view(await requireOrderFor(deps, actor, id, 'order.read'));
}

/** Finds the order in the caller's scope (404 otherwise), then checks the permission for the act. */
async function requireOrderFor(deps: ArchiveDeps, actor: Actor, id: string, permission: Permission): Promise<OrderRow> {
  const row = await inTenant(deps.db, actor, (tx) => findOrder(tx, actor.orgId, id));
  if (!row) throw notFound('order');
  const scope = { orgId: row.orgId, customerId: row.customerId, orderId: row.id };
  await authorize(deps, actor, permission, 'order', scope, { type: 'order', id });
  return row;
}

export async function findOrder(db: Db, orgId: string, id: string): Promise<OrderRow | null> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.orgId, orgId), eq(orders.id, id)));
  return row ?? null;
}

/**
 * Closes an order. Its customer-facing access ends with it: open magic links for the order are
 * revoked and sessions opened from them end, in the same transaction as the status change.
 */
export async function closeOrder(deps: ArchiveDeps, actor: Actor, id: string) {
  const row = await requireOrderFor(deps, actor, id, 'order.manage');
  return inTenant(deps.db, actor, async (tx) => {
    const [updated] = (await tx.update(orders).set({ status: 'closed' }).where(eq(orders.id, row.id)).returning()) as [OrderRow];
    const revokedLinks = await revokeOrderAccess(tx, deps.clock, actor.orgId, row.id);
    if (row.status !== 'closed') {
      await appendAudit(tx, deps.clock, actor, { action: 'order.close', targetType: 'order', targetId: row.id, details: { revokedLinks } });
    }
    return view(updated);
  });
}
