import type { Actor } from './actor.js';

/** What an admin granted a signatory's credential: the classes and customers it may sign for. */
export interface SigningGrant {
  userId: string;
  allowedDocClasses: readonly string[];
  /** Empty: every customer of the organization (and the supplier's own documents). */
  allowedCustomerIds: readonly string[];
  revokedAt: Date | null;
}

export type SignDecision = { allowed: true } | { allowed: false; reason: 'not_own' | 'revoked' | 'doc_class' | 'customer' };

/**
 * May `actor` sign a document of `docClass` (belonging to `customerId`) with `grant`? A credential
 * is personal: nobody signs with another person's key, not even an admin. An empty class list
 * grants nothing (a signature's authority must be stated, never implied); a customer list, once
 * given, also excludes documents that belong to no customer.
 */
export function maySign(actor: Actor, target: { docClass: string; customerId: string | null }, grant: SigningGrant): SignDecision {
  if (grant.userId !== actor.userId) return { allowed: false, reason: 'not_own' };
  if (grant.revokedAt) return { allowed: false, reason: 'revoked' };
  if (!grant.allowedDocClasses.includes(target.docClass)) return { allowed: false, reason: 'doc_class' };
  if (grant.allowedCustomerIds.length > 0 && (!target.customerId || !grant.allowedCustomerIds.includes(target.customerId))) {
    return { allowed: false, reason: 'customer' };
  }
  return { allowed: true };
}
