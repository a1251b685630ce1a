import { and, desc, eq, isNull } from 'drizzle-orm';
import { notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { systemActor } from '../../policies/actor.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { open, seal } from '../identity/secret-box.js';
import { demandFreshStepUp } from '../identity/step-up.js';
import { organizationSeals } from '../schema.js';
import { inTenant } from '../tenancy.js';

export type SealRow = typeof organizationSeals.$inferSelect;
export interface SealDeps extends ArchiveDeps {
  /** Wraps the seal's private key at rest, as for signatories' keys. */
  masterKey: Buffer;
}

/** A seal certificate already read and checked by the signing module (server/ does that). */
export interface SealMaterial {
  subject: string;
  certSha256: string;
  /** Seal certificate first, then its issuers. */
  chainPem: string;
  keyPem: string;
  notAfter: Date;
}

/** Binds a sealed key to its row: a ciphertext copied onto another organization's row does not open. */
const keyContext = (sealId: string, orgId: string) => `organization-seal:${orgId}:${sealId}`;

/** What the API shows of a seal: never the key. */
export function sealView(row: SealRow) {
  return {
    id: row.id,
    subject: row.subject,
    certSha256: row.certSha256,
    notAfter: row.notAfter.toISOString(),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
export type SealView = ReturnType<typeof sealView>;

/**
 * An admin registers the organization's seal, the certificate that signs its integrity reports.
 * It speaks for the whole organization to its auditors, so it needs a fresh step-up like a legal hold.
 * `read` parses and checks the uploaded certificate (the signing module does that, in server/).
 */
export async function registerSeal(deps: SealDeps, actor: Actor, read: () => Promise<SealMaterial>): Promise<SealView> {
  await authorize(deps, actor, 'user.manage', 'organization seal');
  const id = newId();
  await demandFreshStepUp(deps, actor, { type: 'organization_seal', id }, 'organization_seal.register');
  // Read (and checked) only now: nobody without the right and a fresh step-up gets the P12 parsed.
  const material = await read();
  return inTenant(deps.db, actor, async (tx) => {
    const [row] = (await tx
      .insert(organizationSeals)
      .values({
        id,
        orgId: actor.orgId,
        subject: material.subject,
        certSha256: material.certSha256,
        chainPem: material.chainPem,
        privateKeyEnc: seal(deps.masterKey, material.keyPem, keyContext(id, actor.orgId)),
        notAfter: material.notAfter,
        createdBy: actor.userId,
      })
      .returning()) as [SealRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'organization_seal.register',
      targetType: 'organization_seal',
      targetId: id,
      details: { subject: row.subject, certSha256: row.certSha256, notAfter: material.notAfter.toISOString() },
    });
    return sealView(row);
  });
}

export async function listSeals(deps: Pick<ArchiveDeps, 'db' | 'clock'>, actor: Actor): Promise<{ items: SealView[] }> {
  await authorize(deps, actor, 'user.manage', 'organization seal');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx.select().from(organizationSeals).where(eq(organizationSeals.orgId, actor.orgId)).orderBy(desc(organizationSeals.createdAt)),
  );
  return { items: rows.map(sealView) };
}

/**
 * Revocation stops further reports being sealed with it; reports already sealed stay verifiable
 * against the certificate. Looked up before the permission check, so another organization's seal
 * (or any seal, to a customer user: row-level security hides them) is "not found".
 */
export async function revokeSeal(deps: SealDeps, actor: Actor, id: string): Promise<SealView> {
  const find = (tx: Db) =>
    tx
      .select()
      .from(organizationSeals)
      .where(and(eq(organizationSeals.orgId, actor.orgId), eq(organizationSeals.id, id)));
  const [found] = await inTenant(deps.db, actor, find);
  if (!found) throw notFound('organization seal');
  await authorize(deps, actor, 'user.manage', 'organization seal', { orgId: found.orgId }, { type: 'organization_seal', id });
  await demandFreshStepUp(deps, actor, { type: 'organization_seal', id }, 'organization_seal.revoke');
  return inTenant(deps.db, actor, async (tx) => {
    const [row] = (await find(tx).for('update')) as [SealRow];
    if (row.revokedAt) return sealView(row);
    const [updated] = (await tx
      .update(organizationSeals)
      .set({ revokedAt: deps.clock.now() })
      .where(eq(organizationSeals.id, id))
      .returning()) as [SealRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'organization_seal.revoke',
      targetType: 'organization_seal',
      targetId: id,
      details: { certSha256: row.certSha256 },
    });
    return sealView(updated);
  });
}

/**
 * The seal that signs the organization's next report: the newest one not revoked and not expired,
 * with its key unwrapped; null when the organization has none.
 */
export async function currentSealKey(
  deps: Pick<SealDeps, 'db' | 'clock' | 'masterKey'>,
  orgId: string,
): Promise<{ id: string; keyPem: string; chainPem: string } | null> {
  const rows = await inTenant(deps.db, systemActor(orgId), (tx) =>
    tx
      .select()
      .from(organizationSeals)
      .where(and(eq(organizationSeals.orgId, orgId), isNull(organizationSeals.revokedAt)))
      .orderBy(desc(organizationSeals.createdAt)),
  );
  const now = deps.clock.now();
  const row = rows.find((r) => r.notAfter > now);
  if (!row) return null;
  return { id: row.id, keyPem: open(deps.masterKey, row.privateKeyEnc, keyContext(row.id, orgId)), chainPem: row.chainPem };
}
