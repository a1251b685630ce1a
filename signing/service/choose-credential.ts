import { and, desc, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../../archive/audit/append.js';
import { signingCredentials } from '../../archive/schema.js';
import { inTenant } from '../../archive/tenancy.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { maySign } from '../../policies/signing.js';
import type { CredentialRow } from './credential-view.js';
import type { SigningDeps } from './signing-deps.js';

/**
 * The caller's own live credential whose grant covers the document. A refusal is audited in its
 * own transaction (it must survive the failed request). The signatory can see the document, so
 * the refusal may say why: 403 rather than a 404 that would hide nothing.
 */
export async function chooseCredential(
  deps: SigningDeps,
  actor: Actor,
  doc: { id: string; docClass: string; customerId: string | null },
): Promise<CredentialRow> {
  const own = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(signingCredentials)
      .where(
        and(eq(signingCredentials.orgId, actor.orgId), eq(signingCredentials.userId, actor.userId), isNull(signingCredentials.revokedAt)),
      )
      .orderBy(desc(signingCredentials.createdAt)),
  );
  const target = { docClass: doc.docClass, customerId: doc.customerId };
  const usable = own.find(
    (c) =>
      maySign(actor, target, {
        userId: c.userId,
        allowedDocClasses: c.allowedDocClasses,
        allowedCustomerIds: c.allowedCustomerIds,
        revokedAt: c.revokedAt,
      }).allowed,
  );
  if (usable) return usable;
  const reason = own.length === 0 ? 'no_signing_credential' : 'signing_not_permitted';
  await inTenant(deps.db, actor, (tx) =>
    appendAudit(tx, deps.clock, actor, {
      action: 'access.denied',
      targetType: 'document',
      targetId: doc.id,
      outcome: 'denied',
      details: { permission: 'signature.create', reason, docClass: doc.docClass, customerId: doc.customerId },
    }),
  );
  if (own.length === 0) throw new AppError('no_signing_credential', 'you have no signing credential; an administrator must register one');
  throw new AppError('signing_not_permitted', `your signing credential does not cover ${doc.docClass} documents of this customer`);
}
