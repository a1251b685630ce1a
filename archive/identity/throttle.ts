import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { authThrottle } from '../schema.js';
import { inSystem } from '../tenancy.js';

/** How many failures within `windowMs` block a key, and for how long. */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

/** Sign-in by password: generous for a typo-prone human, ruinous for a password sprayer. */
export const loginRule: ThrottleRule = { maxFailures: 20, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
/** Magic-link redemption: a real customer never mistypes a 256-bit token, so few failures suffice. */
export const magicLinkRule: ThrottleRule = { maxFailures: 10, windowMs: 15 * 60_000, blockMs: 60 * 60_000 };

/**
 * Counters keyed by client address (`ip:…`), shared by all server instances through Postgres.
 * Rows span organizations (an address is not an organization's), hence the system context.
 */
export async function isBlocked(db: Db, key: string, now: Date): Promise<boolean> {
  const [row] = await inSystem(db, (tx) => tx.select().from(authThrottle).where(eq(authThrottle.key, key)));
  return !!row?.blockedUntil && row.blockedUntil.getTime() > now.getTime();
}

/**
 * Counts one failure. Returns `blockedNow` only on the failure that crosses the limit, so the
 * caller audits a block once, not once per attempt.
 */
export async function recordFailure(db: Db, key: string, now: Date, rule: ThrottleRule): Promise<{ blockedNow: boolean }> {
  const windowFloor = sql`${new Date(now.getTime() - rule.windowMs).toISOString()}::timestamptz`;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const blockUntil = new Date(now.getTime() + rule.blockMs);
  return inSystem(db, async (tx) => {
    // One statement, so concurrent failures from several instances all count.
    const [row] = await tx
      .insert(authThrottle)
      .values({ key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: authThrottle.key,
        set: {
          failures: sql`case when ${authThrottle.windowStart} < ${windowFloor} then 1 else ${authThrottle.failures} + 1 end`,
          windowStart: sql`case when ${authThrottle.windowStart} < ${windowFloor} then ${nowSql} else ${authThrottle.windowStart} end`,
        },
      })
      .returning();
    if (!row || row.failures < rule.maxFailures) return { blockedNow: false };
    if (row.blockedUntil && row.blockedUntil.getTime() > now.getTime()) return { blockedNow: false };
    await tx.update(authThrottle).set({ blockedUntil: blockUntil, failures: 0, windowStart: now }).where(eq(authThrottle.key, key));
    return { blockedNow: true };
  });
}
