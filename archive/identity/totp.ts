import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { isStepUpFresh, mayEnrolTotp } from '../../policies/step-up.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { users } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { auditAuth } from './auth-audit.js';
import { open, seal } from './secret-box.js';
import { isBlocked, recordFailure, type ThrottleRule } from './throttle.js';

const PERIOD_S = 30;
/** Six digits are guessable in bulk: five wrong codes lock step-up for a quarter hour. */
const codeRule: ThrottleRule = { maxFailures: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };

export type IdentityKeys = { masterKey: Buffer };
const totpFor = (secret: Secret, label: string) =>
  new TOTP({ issuer: 'Arkiv', label, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret });
const context = (userId: string) => `totp:${userId}`;

async function loadUser(deps: ArchiveDeps, actor: Actor) {
  const [user] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(users)
      .where(and(eq(users.orgId, actor.orgId), eq(users.id, actor.userId))),
  );
  if (!user) throw new AppError('forbidden', 'this credential has no user account for a second factor');
  return user;
}

/**
 * Starts (or restarts) TOTP enrolment for the caller. Replacing a confirmed factor needs a fresh
 * step-up with the old one: otherwise a stolen session could swap in the thief's authenticator.
 */
export async function enrolTotp(deps: ArchiveDeps & IdentityKeys, actor: Actor) {
  if (!mayEnrolTotp(actor.role)) throw new AppError('forbidden', 'only signatories and administrators use a second factor');
  const user = await loadUser(deps, actor);
  if (user.totpConfirmedAt && !isStepUpFresh(actor, deps.clock.now())) {
    throw new AppError('step_up_required', 'confirm with your current authenticator before enrolling a new one');
  }
  const secret = new Secret({ size: 20 });
  await inTenant(deps.db, actor, async (tx) => {
    await tx
      .update(users)
      .set({ totpSecretEnc: seal(deps.masterKey, secret.base32, context(user.id)), totpConfirmedAt: null, totpLastStep: null })
      .where(eq(users.id, user.id));
    await appendAudit(tx, deps.clock, actor, { action: 'totp.enrol', targetType: 'user', targetId: user.id });
  });
  return { secret: secret.base32, otpauthUrl: totpFor(secret, user.email).toString() };
}

/**
 * Checks `code` and consumes its time step: the conditional update lets only a step later than
 * the last accepted one through, so a code (or an older one) is never accepted twice, even by
 * two instances at once.
 */
async function consumeCode(deps: ArchiveDeps & IdentityKeys, actor: Actor, code: string, confirming: boolean): Promise<void> {
  const now = deps.clock.now();
  const key = `totp:user:${actor.userId}`;
  if (await isBlocked(deps.db, key, now)) throw new AppError('too_many_requests', 'too many wrong codes; try again later');
  const user = await loadUser(deps, actor);
  if (!user.totpSecretEnc || (confirming ? user.totpConfirmedAt : !user.totpConfirmedAt)) {
    throw new AppError(confirming ? 'conflict' : 'forbidden', confirming ? 'no enrolment to confirm' : 'enrol a second factor first');
  }
  const secret = Secret.fromBase32(open(deps.masterKey, user.totpSecretEnc, context(user.id)));
  const delta = /^\d{6}$/.test(code) ? totpFor(secret, user.email).validate({ token: code, timestamp: now.getTime(), window: 1 }) : null;
  const step = delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD_S) + delta;
  const accepted =
    step !== null &&
    (await inTenant(deps.db, actor, (tx) =>
      tx
        .update(users)
        .set({ totpLastStep: step, ...(confirming ? { totpConfirmedAt: now } : {}) })
        .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
        .returning({ id: users.id }),
    ).then((rows) => rows.length === 1));
  const action = confirming ? 'totp.confirm' : 'auth.step_up';
  if (!accepted) {
    await recordFailure(deps.db, key, now, codeRule);
    await auditAuth(deps.db, deps.clock, actor.orgId, actor, {
      action,
      outcome: 'failure',
      details: { reason: step === null ? 'wrong_code' : 'replayed_code' },
    });
    throw new AppError('forbidden', 'the code is wrong or was already used');
  }
  await auditAuth(deps.db, deps.clock, actor.orgId, actor, { action, targetType: 'user', targetId: user.id });
}

export const confirmTotp = (deps: ArchiveDeps & IdentityKeys, actor: Actor, code: string) => consumeCode(deps, actor, code, true);

/** Proves the second factor now; the caller records the fresh step-up on its session or token. */
export const verifyStepUpCode = (deps: ArchiveDeps & IdentityKeys, actor: Actor, code: string) => consumeCode(deps, actor, code, false);
