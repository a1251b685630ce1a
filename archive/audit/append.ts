import { desc, eq } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import type { Actor } from '../../policies/actor.js';
import { lockKey } from '../adapters/database.js';
import type { Db } from '../db.js';
import { auditEntries } from '../schema.js';
import { AUDIT_FORMAT_VERSION, type AuditFields, canonicalJson, entryHash, GENESIS_HASH } from './canonical.js';

export interface AuditEvent {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: 'success' | 'denied' | 'failure';
  details?: Record<string, unknown>;
}

/**
 * Appends one entry to the organization's hash chain. Call it inside the transaction that makes
 * the change, so the change and its audit entry commit or fail together. A per-organization
 * advisory lock serialises appenders across all server instances, so `seq` has no gaps.
 */
export async function appendAudit(tx: Db, clock: Clock, actor: Actor, event: AuditEvent): Promise<AuditFields & { hash: string }> {
  await lockKey(tx, `arkiv:audit:${actor.orgId}`);
  const [head] = await tx
    .select({ seq: auditEntries.seq, hash: auditEntries.hash })
    .from(auditEntries)
    .where(eq(auditEntries.orgId, actor.orgId))
    .orderBy(desc(auditEntries.seq))
    .limit(1);
  const fields: AuditFields = {
    orgId: actor.orgId,
    seq: (head?.seq ?? 0) + 1,
    at: clock.now().toISOString(),
    actorType: actor.userId === 'system' ? 'system' : actor.customerId ? 'customer' : 'user',
    actorId: actor.userId,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    outcome: event.outcome ?? 'success',
    ip: actor.ip,
    userAgent: actor.userAgent,
    details: canonicalJson(event.details ?? {}),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash(fields);
  await tx.insert(auditEntries).values({ ...fields, formatVersion: AUDIT_FORMAT_VERSION, hash });
  return { ...fields, hash };
}
