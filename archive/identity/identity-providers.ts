import { and, asc, eq } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { isRole, type Role, roles } from '../../policies/roles.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { identityProviders, users } from '../schema.js';
import { inSystem, inTenant } from '../tenancy.js';
import { auditAuth, type ClientInfo } from './auth-audit.js';
import { revokeUserSessions, type UserRow } from './sessions.js';

export type IdentityProviderRow = typeof identityProviders.$inferSelect;

const view = (p: IdentityProviderRow) => ({
  id: p.id,
  issuer: p.issuer,
  audience: p.audience,
  rolesClaim: p.rolesClaim,
  roleMap: p.roleMap as Record<string, string>,
  createdAt: p.createdAt.toISOString(),
});

/**
 * Binds an issuer to the caller's organization (admin). An issuer belongs to one organization
 * only (unique): its users are created inside that organization and nowhere else.
 */
export async function createIdentityProvider(
  deps: ArchiveDeps,
  actor: Actor,
  input: { issuer: string; audience: string; rolesClaim?: string | undefined; roleMap: Record<string, string> },
) {
  await authorize(deps, actor, 'user.manage', 'identity provider');
  for (const role of Object.values(input.roleMap)) {
    // Customers come in through magic links or local accounts bound to a customer, never via staff SSO.
    if (!isRole(role) || role === 'customer') throw new AppError('validation_failed', `roleMap: ${role} is not a staff role`);
  }
  // Unique across organizations, so the check runs in the system context (the insert would fail too).
  if (await findProviderByIssuer(deps.db, input.issuer)) throw new AppError('conflict', 'this issuer is already bound to an organization');
  return inTenant(deps.db, actor, async (tx) => {
    const [row] = (await tx
      .insert(identityProviders)
      .values({
        id: newId(),
        orgId: actor.orgId,
        issuer: input.issuer,
        audience: input.audience,
        rolesClaim: input.rolesClaim ?? 'roles',
        roleMap: input.roleMap,
      })
      .returning()) as [IdentityProviderRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'identity_provider.create',
      targetType: 'identity_provider',
      targetId: row.id,
      details: view(row),
    });
    return view(row);
  });
}

export async function listIdentityProviders(deps: ArchiveDeps, actor: Actor) {
  await authorize(deps, actor, 'user.manage', 'identity provider');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx.select().from(identityProviders).where(eq(identityProviders.orgId, actor.orgId)).orderBy(asc(identityProviders.createdAt)),
  );
  return rows.map(view);
}

/** Which organization trusts this issuer: looked up before any organization is known. */
export async function findProviderByIssuer(db: Db, issuer: string): Promise<IdentityProviderRow | null> {
  const [row] = await inSystem(db, (tx) => tx.select().from(identityProviders).where(eq(identityProviders.issuer, issuer)));
  return row ?? null;
}

/** The most privileged Arkiv role any of the token's groups/roles maps to (roles are ordered). */
export function mapRole(provider: IdentityProviderRow, claims: Record<string, unknown>): Role | null {
  const raw = claims[provider.rolesClaim];
  const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const map = provider.roleMap as Record<string, string>;
  const mapped = new Set(values.map((v) => map[v]).filter((r): r is Role => !!r && isRole(r) && r !== 'customer'));
  return roles.find((r) => mapped.has(r)) ?? null;
}

/**
 * The Arkiv user behind a verified token, created just in time inside the provider's
 * organization. The role follows the identity provider: a changed role is a privilege change,
 * so the user's portal sessions end.
 */
export async function oidcUser(
  deps: { db: Db; clock: Clock },
  provider: IdentityProviderRow,
  claims: Record<string, unknown>,
  client: ClientInfo,
): Promise<{ user: UserRow; role: Role } | { refused: string }> {
  const role = mapRole(provider, claims);
  const subject = String(claims.sub);
  if (!role) return { refused: 'no mapped role' };
  const tenant = { orgId: provider.orgId, customerId: null };
  const result = await inTenant(deps.db, tenant, async (tx) => {
    const [found] = await tx
      .select()
      .from(users)
      .where(and(eq(users.orgId, provider.orgId), eq(users.oidcIssuer, provider.issuer), eq(users.oidcSubject, subject)));
    if (found) {
      if (found.disabledAt) return { refused: 'user disabled' };
      if (found.role === role) return { user: found, created: false };
      const [updated] = (await tx.update(users).set({ role }).where(eq(users.id, found.id)).returning()) as [UserRow];
      await revokeUserSessions(tx, deps.clock, provider.orgId, found.id);
      return { user: updated, created: false };
    }
    const email = (typeof claims.email === 'string' ? claims.email : `${subject}@${new URL(provider.issuer).host}`).toLowerCase();
    const [clash] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.orgId, provider.orgId), eq(users.email, email)));
    // Never merge into an existing account by e-mail: the IdP would then speak for a local user.
    if (clash) return { refused: 'e-mail belongs to another account' };
    const [user] = (await tx
      .insert(users)
      .values({
        id: newId(),
        orgId: provider.orgId,
        email,
        name: typeof claims.name === 'string' ? claims.name : null,
        role,
        oidcIssuer: provider.issuer,
        oidcSubject: subject,
      })
      .returning()) as [UserRow];
    return { user, created: true };
  });
  if ('refused' in result) return { refused: result.refused as string };
  if (result.created) {
    await auditAuth(
      deps.db,
      deps.clock,
      provider.orgId,
      { ...client, userId: result.user.id, role },
      {
        action: 'auth.oidc.user_created',
        targetType: 'user',
        targetId: result.user.id,
        details: { issuer: provider.issuer, subject, role },
      },
    );
  }
  return { user: result.user, role };
}
