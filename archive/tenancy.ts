import { sql } from 'drizzle-orm';
import type { Db } from './db.js';

/** Whose data a unit of work may touch. Customer users carry their customer as well. */
export interface Tenant {
  orgId: string;
  customerId: string | null;
}

/**
 * Runs `fn` in a transaction as the non-owner role `arkiv_app`, with the tenant stated for
 * row-level security (migration 0003). Every request's database work goes through here, so a
 * query that forgets `org_id = …` still cannot reach another organization or customer.
 */
export function inTenant<T>(db: Db, tenant: Tenant, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', 'arkiv_app', true), set_config('arkiv.org_id', ${tenant.orgId}, true),
                 set_config('arkiv.customer_id', ${tenant.customerId ?? ''}, true), set_config('arkiv.system', 'off', true)`,
    );
    return fn(tx);
  });
}

/**
 * Work that must span organizations by design (resolving a bearer token before its organization
 * is known, claiming jobs, throttling by address). Still runs as `arkiv_app`; keep it rare and
 * narrow, and never hand the transaction to request code.
 */
export function inSystem<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', 'arkiv_app', true), set_config('arkiv.org_id', '', true),
                 set_config('arkiv.customer_id', '', true), set_config('arkiv.system', 'on', true)`,
    );
    return fn(tx);
  });
}
