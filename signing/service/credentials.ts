import { and, desc, eq, inArray } from 'drizzle-orm';
import { authorize } from '../../archive/access.js';
import { appendAudit } from '../../archive/audit/append.js';
import type { Db } from '../../archive/db.js';
import { seal } from '../../archive/identity/secret-box.js';
import { customers, signingCredentials, users } from '../../archive/schema.js';
import { inTenant } from '../../archive/tenancy.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import type { DocumentClass } from '../../policies/retention.js';
import { isRole, roleHas } from '../../policies/roles.js';
import { subjectString, validity } from '../pki/certificate.js';
import { assertUsableAt, credentialFromPem, type SigningCredential } from '../pki/credential.js';
import { loadP12 } from '../pki/p12.js';
import { type CredentialRow, credentialView } from './credential-view.js';
import { keyContext, type SigningDeps, toAppError } from './signing-deps.js';

export interface RegisterCredentialInput {
  userId: string;
  p12Base64?: string | undefined;
  passphrase?: string | undefined;
  keyPem?: string | undefined;
  chainPem?: string | undefined;
  docClasses: DocumentClass[];
  customerIds: string[];
}

/**
 * An admin registers a signatory's key. It is checked by the signing core first (readable, key
 * matches certificate, valid now, signing key usage), so a credential that could only ever
 * produce rejected signatures is refused at the door with the core's stable code (400).
 */
export async function registerCredential(deps: SigningDeps, actor: Actor, input: RegisterCredentialInput) {
  await authorize(deps, actor, 'user.manage', 'signing credential');
  const credential = await readCredential(input).catch((err) => {
    throw toAppError(err, 400);
  });
  try {
    assertUsableAt(credential, deps.clock.now());
  } catch (err) {
    throw toAppError(err, 400);
  }
  const [signer] = credential.chain as [SigningCredential['chain'][number]];
  const id = newId();
  const keyPem = credential.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return inTenant(deps.db, actor, async (tx) => {
    const [user] = await tx
      .select()
      .from(users)
      .where(and(eq(users.orgId, actor.orgId), eq(users.id, input.userId)));
    if (!user || user.disabledAt) throw new AppError('validation_failed', 'the user does not exist');
    if (!isRole(user.role) || !roleHas(user.role, 'signature.create')) {
      throw new AppError('validation_failed', `a ${user.role} may not sign; give the user the signatory role first`);
    }
    if (input.customerIds.length > 0) {
      const found = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.orgId, actor.orgId), inArray(customers.id, input.customerIds)));
      if (found.length !== new Set(input.customerIds).size) throw new AppError('validation_failed', 'a customer does not exist');
    }
    const [row] = (await tx
      .insert(signingCredentials)
      .values({
        id,
        orgId: actor.orgId,
        userId: user.id,
        subject: subjectString(signer),
        certSha256: signer.sha256,
        chainPem: credential.chain.map((c) => c.x509.toString()).join(''),
        privateKeyEnc: seal(deps.masterKey, keyPem, keyContext(id)),
        notAfter: validity(signer).notAfter,
        allowedDocClasses: input.docClasses,
        allowedCustomerIds: input.customerIds,
        createdBy: actor.userId,
      })
      .returning()) as [CredentialRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'signing_credential.register',
      targetType: 'signing_credential',
      targetId: id,
      details: {
        userId: user.id,
        subject: row.subject,
        certSha256: row.certSha256,
        docClasses: input.docClasses,
        customerIds: input.customerIds,
      },
    });
    return credentialView(row);
  });
}

async function readCredential(input: RegisterCredentialInput): Promise<SigningCredential> {
  if (input.p12Base64 !== undefined && input.keyPem === undefined) {
    return loadP12(Buffer.from(input.p12Base64, 'base64'), input.passphrase ?? '');
  }
  if (input.keyPem !== undefined && input.chainPem !== undefined && input.p12Base64 === undefined) {
    return credentialFromPem(input.keyPem, input.chainPem);
  }
  throw new AppError('validation_failed', 'give either p12Base64 (+ passphrase) or keyPem + chainPem');
}

export async function listCredentials(deps: SigningDeps, actor: Actor) {
  await authorize(deps, actor, 'user.manage', 'signing credential');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx.select().from(signingCredentials).where(eq(signingCredentials.orgId, actor.orgId)).orderBy(desc(signingCredentials.createdAt)),
  );
  return { items: rows.map(credentialView) };
}

/**
 * Revocation stops future signatures; past ones stay attributable to the credential they used.
 * The row is looked up first: row-level security hides credentials from customer users, who get
 * the same 404 as for another organization's id.
 */
export async function revokeCredential(deps: SigningDeps, actor: Actor, id: string) {
  const find = (tx: Db) =>
    tx
      .select()
      .from(signingCredentials)
      .where(and(eq(signingCredentials.orgId, actor.orgId), eq(signingCredentials.id, id)));
  const [found] = await inTenant(deps.db, actor, find);
  if (!found) throw notFound('signing credential');
  await authorize(deps, actor, 'user.manage', 'signing credential', { orgId: found.orgId }, { type: 'signing_credential', id });
  return inTenant(deps.db, actor, async (tx) => {
    const [row] = (await find(tx).for('update')) as [CredentialRow];
    if (row.revokedAt) return credentialView(row);
    const [updated] = (await tx
      .update(signingCredentials)
      .set({ revokedAt: deps.clock.now() })
      .where(eq(signingCredentials.id, id))
      .returning()) as [CredentialRow];
    await appendAudit(tx, deps.clock, actor, {
      action: 'signing_credential.revoke',
      targetType: 'signing_credential',
      targetId: id,
      details: { userId: row.userId, certSha256: row.certSha256 },
    });
    return credentialView(updated);
  });
}
