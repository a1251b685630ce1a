import { and, eq } from 'drizzle-orm';
import { AppError } from '../../core/errors.js';
import { isRole } from '../../policies/roles.js';
import type { ArchiveDeps } from '../deps.js';
import { users } from '../schema.js';
import { inSystem, inTenant } from '../tenancy.js';
import { auditAuth, type ClientInfo } from './auth-audit.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import { createSession, type IssuedSession, type UserRow } from './sessions.js';
import { isBlocked, loginRule, recordFailure } from './throttle.js';

/** Wrong passwords in a row before an account is locked, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;

const refused = () => new AppError('unauthenticated', 'sign-in failed: unknown e-mail or wrong password');

/**
 * Password sign-in for the embedded default. Every failure looks the same to the caller (no
 * account enumeration, a locked account is not announced), counts against the client address
 * and the account, and is audited in the account's organization when there is one.
 */
export async function login(
  deps: ArchiveDeps,
  client: ClientInfo,
  input: { email: string; password: string; orgId?: string | undefined },
): Promise<{ session: IssuedSession; user: UserRow }> {
  const now = deps.clock.now();
  const ipKey = `login:ip:${client.ip ?? 'unknown'}`;
  if (await isBlocked(deps.db, ipKey, now))
    throw new AppError('too_many_requests', 'too many failed sign-ins from your address; try later');
  const email = input.email.trim().toLowerCase();
  // The organization is not known yet: find the account by e-mail across organizations.
  const candidates = await inSystem(deps.db, (tx) =>
    tx
      .select()
      .from(users)
      .where(and(eq(users.email, email), input.orgId ? eq(users.orgId, input.orgId) : undefined)),
  );
  const user = candidates.length === 1 ? candidates[0] : undefined;
  const fail = async (reason: string) => {
    const { blockedNow } = await recordFailure(deps.db, ipKey, now, loginRule);
    if (user) {
      const who = { ...client, userId: user.id, role: isRole(user.role) ? user.role : undefined, customerId: user.customerId };
      await auditAuth(deps.db, deps.clock, user.orgId, who, { action: 'auth.login', outcome: 'failure', details: { email, reason } });
      if (blockedNow) {
        await auditAuth(deps.db, deps.clock, user.orgId, who, {
          action: 'auth.address_blocked',
          outcome: 'denied',
          details: { ip: client.ip },
        });
      }
    }
    return refused();
  };
  if (!user?.passwordHash || user.disabledAt || !isRole(user.role)) {
    await burnPasswordCheck(input.password);
    throw await fail(user ? 'no_password_or_disabled' : candidates.length > 1 ? 'ambiguous_org' : 'unknown_email');
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
    await burnPasswordCheck(input.password);
    throw await fail('account_locked');
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    const failures = user.failedLogins + 1;
    const lock = failures >= LOCK_AFTER_FAILURES;
    await inTenant(deps.db, { orgId: user.orgId, customerId: null }, (tx) =>
      tx
        .update(users)
        .set(lock ? { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCK_MS) } : { failedLogins: failures })
        .where(eq(users.id, user.id)),
    );
    if (lock) {
      await auditAuth(
        deps.db,
        deps.clock,
        user.orgId,
        { ...client, userId: user.id, role: user.role, customerId: user.customerId },
        {
          action: 'auth.account_locked',
          targetType: 'user',
          targetId: user.id,
          outcome: 'denied',
          details: { until: new Date(now.getTime() + LOCK_MS).toISOString() },
        },
      );
    }
    throw await fail('wrong_password');
  }
  if (user.role === 'customer' && !user.customerId) throw await fail('customer_without_binding');
  const role = user.role;
  const session = await inTenant(deps.db, { orgId: user.orgId, customerId: null }, async (tx) => {
    await tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
    return createSession(tx, deps.clock, { orgId: user.orgId, userId: user.id, role, customerId: user.customerId, via: 'password' });
  });
  await auditAuth(
    deps.db,
    deps.clock,
    user.orgId,
    { ...client, userId: user.id, role, customerId: user.customerId },
    {
      action: 'auth.login',
      targetType: 'session',
      targetId: session.row.id,
      details: { via: 'password' },
    },
  );
  return { session, user };
}
