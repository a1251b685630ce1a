import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId, newSecret } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import type { Role } from '../../policies/roles.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import { requireCustomer } from '../customers/customers.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { apiTokens, users } from '../schema.js';
import { inSystem, inTenant } from '../tenancy.js';

const TOKEN_PREFIX = 'arkiv_';

/** Only this hash is stored: a database leak must not hand out working tokens. */
export const hashToken = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

type TokenRow = typeof apiTokens.$inferSelect;
const view = (row: TokenRow, email: string) => ({
  id: row.id,
  name: row.name,
  role: row.role,
  userEmail: email,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

/** Inserts a token for an existing user; returns the secret, which is never retrievable again. */
export async function issueToken(tx: Db, input: { orgId: string; userId: string; name: string; role: Role; expiresAt: Date | null }) {
  const secret = `${TOKEN_PREFIX}${newSecret(32)}`;
  const [row] = (await tx
    .insert(apiTokens)
    .values({
      id: newId(),
      orgId: input.orgId,
      userId: input.userId,
      name: input.name,
      tokenHash: hashToken(secret),
      role: input.role,
      expiresAt: input.expiresAt,
    })
    .returning()) as [TokenRow];
  return { row, secret };
}

/**
 * Finds or creates the user behind a token, inside the organization. A customer's person is
 * bound to exactly one customer for life: reusing their e-mail for another customer is refused
 * rather than silently widening what they can see.
 */
export async function ensureUser(tx: Db, orgId: string, email: string, role: Role, customerId: string | null = null): Promise<string> {
  const normalized = email.trim().toLowerCase();
  const [found] = await tx
    .select({ id: users.id, customerId: users.customerId })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.email, normalized)));
  if (found) {
    if ((found.customerId ?? null) !== customerId) {
      throw new AppError('conflict', `${normalized} already exists with a different customer binding`);
    }
    return found.id;
  }
  const id = newId();
  await tx.insert(users).values({ id, orgId, email: normalized, role, customerId });
  return id;
}

export async function createToken(
  deps: ArchiveDeps,
  actor: Actor,
  input: { name: string; role: Role; email: string; customerId?: string | undefined; expiresInDays?: number | undefined },
) {
  await authorize(deps, actor, 'token.manage', 'token');
  const customerId = input.role === 'customer' ? (input.customerId ?? null) : null;
  if (input.role === 'customer') {
    if (!customerId) throw new AppError('validation_failed', 'a customer token needs the customerId it is limited to');
    await inTenant(deps.db, actor, (tx) => requireCustomer(tx, actor.orgId, customerId)).catch(() => {
      throw new AppError('validation_failed', 'the customer does not exist');
    });
  } else if (input.customerId) {
    throw new AppError('validation_failed', 'customerId applies to customer tokens only');
  }
  return inTenant(deps.db, actor, async (tx) => {
    const userId = await ensureUser(tx, actor.orgId, input.email, input.role, customerId);
    const expiresAt = input.expiresInDays ? new Date(deps.clock.now().getTime() + input.expiresInDays * 86_400_000) : null;
    const { row, secret } = await issueToken(tx, { orgId: actor.orgId, userId, name: input.name, role: input.role, expiresAt });
    await appendAudit(tx, deps.clock, actor, {
      action: 'token.create',
      targetType: 'token',
      targetId: row.id,
      details: { role: input.role, email: input.email, customerId, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { ...view(row, input.email.trim().toLowerCase()), token: secret };
  });
}

export async function listTokens(deps: ArchiveDeps, actor: Actor) {
  await authorize(deps, actor, 'token.manage', 'token');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx
      .select({ token: apiTokens, email: users.email })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.orgId, actor.orgId))
      .orderBy(desc(apiTokens.createdAt)),
  );
  return rows.map((r) => view(r.token, r.email));
}

export async function revokeToken(deps: ArchiveDeps, actor: Actor, id: string) {
  // Look up first: a token of another organization is "not found", whatever the caller's role.
  const [existing] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.orgId, actor.orgId), eq(apiTokens.id, id))),
  );
  if (!existing) throw notFound('token');
  await authorize(deps, actor, 'token.manage', 'token', { orgId: actor.orgId }, { type: 'token', id });
  await inTenant(deps.db, actor, async (tx) => {
    await tx
      .update(apiTokens)
      .set({ revokedAt: deps.clock.now() })
      .where(and(eq(apiTokens.orgId, actor.orgId), eq(apiTokens.id, id)));
    await appendAudit(tx, deps.clock, actor, { action: 'token.revoke', targetType: 'token', targetId: id });
  });
}

/**
 * Resolves a bearer secret to its token row, if it is live. The organization is not known yet,
 * so this one lookup runs in the system context, by the hash only.
 */
export async function findLiveToken(db: Db, clock: Clock, secret: string) {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await inSystem(db, (tx) =>
    tx
      .select({ token: apiTokens, customerId: users.customerId, disabledAt: users.disabledAt, exportClearance: users.exportClearance })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.tokenHash, hashToken(secret))),
  );
  if (row?.disabledAt) return null;
  if (!row || row.token.revokedAt) return null;
  if (row.token.expiresAt && row.token.expiresAt.getTime() <= clock.now().getTime()) return null;
  return row;
}
