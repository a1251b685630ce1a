import { and, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { afterCursor, newestFirst, type Page, toPage } from '../pagination.js';
import { customers } from '../schema.js';
import { inTenant } from '../tenancy.js';

type CustomerRow = typeof customers.$inferSelect;

const view = (row: CustomerRow) => ({ id: row.id, name: row.name, code: row.code, createdAt: row.createdAt.toISOString() });
export type CustomerView = ReturnType<typeof view>;

export async function createCustomer(deps: ArchiveDeps, actor: Actor, input: { name: string; code?: string | undefined }) {
  await authorize(deps, actor, 'customer.manage', 'customer');
  return inTenant(deps.db, actor, async (tx) => {
    if (input.code) {
      const [dup] = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.orgId, actor.orgId), eq(customers.code, input.code)));
      if (dup) throw new AppError('conflict', `a customer with code ${input.code} already exists`);
    }
    const [row] = (await tx
      .insert(customers)
      .values({ id: newId(), orgId: actor.orgId, name: input.name, code: input.code ?? null })
      .returning()) as [CustomerRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'customer.create',
      targetType: 'customer',
      targetId: row.id,
      details: { name: row.name },
    });
    return view(row);
  });
}

/** A customer user sees only their own customer. */
export async function listCustomers(
  deps: ArchiveDeps,
  actor: Actor,
  opts: { cursor?: string | undefined; limit: number },
): Promise<Page<CustomerView>> {
  await authorize(deps, actor, 'customer.read', 'customer');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(customers)
      .where(and(eq(customers.orgId, actor.orgId), afterCursor(customers.createdAt, customers.id, opts.cursor)))
      .orderBy(...newestFirst(customers.createdAt, customers.id))
      .limit(opts.limit + 1),
  );
  const page = toPage(rows, opts.limit);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

export async function getCustomer(deps: ArchiveDeps, actor: Actor, id: string) {
  const [row] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(customers)
      .where(and(eq(customers.orgId, actor.orgId), eq(customers.id, id))),
  );
  if (!row) throw notFound('customer');
  await authorize(deps, actor, 'customer.read', 'customer', { orgId: row.orgId, customerId: row.id }, { type: 'customer', id });
  return view(row);
}

/** For other use cases: the customer must exist inside the caller's organization. */
export async function requireCustomer(db: Db, orgId: string, id: string): Promise<CustomerRow> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, id)));
  if (!row) throw notFound('customer');
  return row;
}
