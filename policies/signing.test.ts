import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import { maySign, type SigningGrant } from './signing.js';

const actor: Actor = { orgId: 'o', userId: 'u1', role: 'signatory', customerId: null, ip: null, userAgent: null };
const grant: SigningGrant = { userId: 'u1', allowedDocClasses: ['coc'], allowedCustomerIds: [], revokedAt: null };

describe('maySign', () => {
  it('allows the own, live credential for a granted class and any customer when none are listed', () => {
    expect(maySign(actor, { docClass: 'coc', customerId: 'c1' }, grant)).toEqual({ allowed: true });
    expect(maySign(actor, { docClass: 'coc', customerId: null }, grant)).toEqual({ allowed: true });
  });
  it("refuses another person's credential, a revoked one, and classes or customers outside the grant", () => {
    expect(maySign({ ...actor, userId: 'u2', role: 'admin' }, { docClass: 'coc', customerId: null }, grant)).toMatchObject({
      reason: 'not_own',
    });
    expect(maySign(actor, { docClass: 'coc', customerId: null }, { ...grant, revokedAt: new Date() })).toMatchObject({ reason: 'revoked' });
    expect(maySign(actor, { docClass: 'mill_cert', customerId: null }, grant)).toMatchObject({ reason: 'doc_class' });
    const limited = { ...grant, allowedCustomerIds: ['c1'] };
    expect(maySign(actor, { docClass: 'coc', customerId: 'c1' }, limited)).toEqual({ allowed: true });
    expect(maySign(actor, { docClass: 'coc', customerId: 'c2' }, limited)).toMatchObject({ reason: 'customer' });
    expect(maySign(actor, { docClass: 'coc', customerId: null }, limited)).toMatchObject({ reason: 'customer' });
  });
});
