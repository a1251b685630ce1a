import { and, asc, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import type { Role } from '../../policies/roles.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import { requireCustomer } from '../customers/customers.js';
import type { ArchiveDeps } from '../deps.js';
import { users } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { revokeUserSessions, type UserRow } from './sessions.js';

export interface SetUserInput {
  email: string;
  role: Role;
  name?: string | undefined;
  password?: string | undefined;
  exportClearance?: boolean | undefined;
  customerId?: string | undefined;
}

export const userView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  customerId: u.customerId,
  exportClearance: u.exportClearance,
  hasPassword: u.passwordHash !== null,
  totpEnrolled: u.totpConfirmedAt !== null,
  oidc: u.oidcIssuer !== null,
  lockedUntil: u.lockedUntil?.toISOString() ?? null,
  disabledAt: u.disabledAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
});

/**
 * Creates a local user or updates one by e-mail (admin). A change of role or clearance is a
 * privilege change: the user's sessions end, so no cookie keeps rights it no longer has.
 */
export async function setUser(deps: ArchiveDeps, actor: Actor, input: SetUserInput) {
  await authorize(deps, actor, 'user.manage', 'user');
  const customerId = input.role === 'customer' ? (input.customerId ?? null) : null;
  if (input.role === 'customer' && !customerId) throw new AppError('validation_failed', 'a customer user needs a customerId');
  if (input.role !== 'customer' && input.customerId) throw new AppError('validation_failed', 'customerId applies to customer users only');
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('validation_failed', `passwords need at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  return inTenant(deps.db, actor, async (tx) => {
    if (customerId) await requireCustomer(tx, actor.orgId, customerId);
    const [found] = await tx
      .select()
      .from(users)
      .where(and(eq(users.orgId, actor.orgId), eq(users.email, email)));
    if (found && (found.customerId ?? null) !== customerId) {
      throw new AppError('conflict', `${email} already exists with a different customer binding`);
    }
    const changes = {
      role: input.role,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(passwordHash ? { passwordHash, failedLogins: 0, lockedUntil: null } : {}),
      ...(input.exportClearance !== undefined ? { exportClearance: input.exportClearance } : {}),
    };
    const [row] = found
      ? ((await tx.update(users).set(changes).where(eq(users.id, found.id)).returning()) as [UserRow])
      : ((await tx
          .insert(users)
          .values({ id: newId(), orgId: actor.orgId, email, customerId, ...changes })
          .returning()) as [UserRow]);
    const privilegeChanged =
      !!found && (found.role !== row.role || found.exportClearance !== row.exportClearance || passwordHash !== undefined);
    if (privilegeChanged) await revokeUserSessions(tx, deps.clock, actor.orgId, row.id);
    await appendAudit(tx, deps.clock, actor, {
      action: found ? 'user.update' : 'user.create',
      targetType: 'user',
      targetId: row.id,
      details: { email, role: row.role, customerId, exportClearance: row.exportClearance, passwordSet: passwordHash !== undefined },
    });
    return userView(row);
  });
}

export async function listUsers(deps: ArchiveDeps, actor: Actor) {
  await authorize(deps, actor, 'user.manage', 'user');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx.select().from(users).where(eq(users.orgId, actor.orgId)).orderBy(asc(users.email)),
  );
  return rows.map(userView);
}

/** Disables an account: its sessions end, its tokens stop resolving (tokens.ts checks disabledAt). */
export async function disableUser(deps: ArchiveDeps, actor: Actor, id: string) {
  // Look up first: a user of another organization is "not found", whatever the caller's role.
  const [existing] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.orgId, actor.orgId), eq(users.id, id))),
  );
  if (!existing) throw notFound('user');
  await authorize(deps, actor, 'user.manage', 'user', { orgId: actor.orgId }, { type: 'user', id });
  await inTenant(deps.db, actor, async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ disabledAt: deps.clock.now() })
      .where(and(eq(users.orgId, actor.orgId), eq(users.id, id)))
      .returning();
    if (!row) throw notFound('user');
    await revokeUserSessions(tx, deps.clock, actor.orgId, id);
    await appendAudit(tx, deps.clock, actor, { action: 'user.disable', targetType: 'user', targetId: id });
  });
}
