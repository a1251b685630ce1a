import { and, eq, isNull } from 'drizzle-orm';
import { AppError } from '../core/errors.js';
import type { Db } from './db.js';
import { idempotencyKeys } from './schema.js';

export type IdempotencyClaim = { kind: 'fresh' } | { kind: 'replay'; status: number; response: unknown };

/**
 * Claims an Idempotency-Key for one organization. A finished key replays its stored response;
 * the same key with a different request is refused; a key whose first request is still running
 * answers "in progress" rather than running the write twice.
 */
export async function claimIdempotencyKey(db: Db, orgId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ orgId, key, fingerprint })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { kind: 'fresh' };
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.key, key)));
  if (!row) return claimIdempotencyKey(db, orgId, key, fingerprint);
  if (row.fingerprint !== fingerprint) {
    throw new AppError('idempotency_key_reused', 'this Idempotency-Key was already used for a different request');
  }
  if (row.status === null) throw new AppError('idempotency_in_progress', 'a request with this Idempotency-Key is still being processed');
  return { kind: 'replay', status: row.status, response: row.response };
}

export async function completeIdempotencyKey(db: Db, orgId: string, key: string, status: number, response: unknown): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status, response })
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.key, key)));
}

/** A failed request releases its key so the client can retry with it. */
export async function releaseIdempotencyKey(db: Db, orgId: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)));
}
