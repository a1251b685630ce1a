import { createHash, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { newId, newSecret } from '../../core/ids.js';
import type { Db } from '../db.js';
import { sessions, users } from '../schema.js';
import { inTenant } from '../tenancy.js';

/** Absolute lifetime of a portal session; the cookie's JWT is much shorter and re-minted. */
export const SESSION_TTL_MS = 8 * 3_600_000;

export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export interface NewSession {
  orgId: string;
  userId: string;
  role: string;
  customerId: string | null;
  orderId?: string | null;
  /** How it was opened: password, magic_link, step_up (rotation). */
  via: string;
  stepUpAt?: Date | null;
  expiresAt?: Date;
}

/** What the caller needs to hand the browser: the session id (inside the JWT) and its CSRF token. */
export interface IssuedSession {
  row: SessionRow;
  csrfToken: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Creates a session row. The CSRF token is returned once; only its hash is kept, bound to the row. */
export async function createSession(tx: Db, clock: Clock, input: NewSession): Promise<IssuedSession> {
  const csrfToken = newSecret(32);
  const [row] = (await tx
    .insert(sessions)
    .values({
      id: newId(),
      orgId: input.orgId,
      userId: input.userId,
      role: input.role,
      customerId: input.customerId,
      orderId: input.orderId ?? null,
      via: input.via,
      csrfHash: sha256(csrfToken),
      stepUpAt: input.stepUpAt ?? null,
      expiresAt: input.expiresAt ?? new Date(clock.now().getTime() + SESSION_TTL_MS),
    })
    .returning()) as [SessionRow];
  return { row, csrfToken };
}

/**
 * Replaces a session by a new one (old row revoked): after a step-up the elevated session gets a
 * new id and CSRF token, so anything that captured the old ones before elevation is useless.
 */
export async function rotateSession(tx: Db, clock: Clock, old: SessionRow, change: { stepUpAt?: Date }): Promise<IssuedSession> {
  await tx.update(sessions).set({ revokedAt: clock.now() }).where(eq(sessions.id, old.id));
  return createSession(tx, clock, { ...old, via: change.stepUpAt ? 'step_up' : old.via, stepUpAt: change.stepUpAt ?? old.stepUpAt });
}

export async function revokeSession(tx: Db, clock: Clock, orgId: string, id: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: clock.now() })
    .where(and(eq(sessions.orgId, orgId), eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Privilege changes end every session of the user: they sign in again under the new role. */
export async function revokeUserSessions(tx: Db, clock: Clock, orgId: string, userId: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: clock.now() })
    .where(and(eq(sessions.orgId, orgId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/**
 * The session behind a verified cookie, if it is still live: not revoked, not expired, its user
 * enabled and still holding the role and customer the session was opened with.
 */
export async function findLiveSession(db: Db, clock: Clock, orgId: string, sessionId: string) {
  const [found] = await inTenant(db, { orgId, customerId: null }, (tx) =>
    tx
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.orgId, orgId), eq(sessions.id, sessionId))),
  );
  if (!found) return null;
  const { session, user } = found;
  if (session.revokedAt || session.expiresAt.getTime() <= clock.now().getTime()) return null;
  if (user.disabledAt || user.role !== session.role || (user.customerId ?? null) !== (session.customerId ?? null)) return null;
  return found;
}

export function csrfMatches(session: SessionRow, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(sha256(presented), 'hex');
  const b = Buffer.from(session.csrfHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
