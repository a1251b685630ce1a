import { describe, expect, it } from 'vitest';
import { decide } from './access.js';
import type { Actor } from './actor.js';
import { isStepUpFresh, mayEnrolTotp } from './step-up.js';

const actor = (over: Partial<Actor> = {}): Actor => ({
  orgId: 'o',
  userId: 'u',
  role: 'admin',
  customerId: null,
  ip: null,
  userAgent: null,
  ...over,
});

describe('identity attributes in access decisions', () => {
  it('pins an order-scoped customer session to its order', () => {
    const c = actor({ role: 'customer', customerId: 'c1', orderId: 'o1' });
    expect(decide(c, 'order.read', { orgId: 'o', customerId: 'c1', orderId: 'o1' }).allowed).toBe(true);
    expect(decide(c, 'order.read', { orgId: 'o', customerId: 'c1', orderId: 'o2' })).toEqual({ allowed: false, reason: 'scope' });
    expect(decide(c, 'document.read', { orgId: 'o', customerId: 'c1', orderId: null, published: true }).allowed).toBe(false);
  });

  it('treats export-controlled records as out of scope without clearance, even for admins', () => {
    expect(decide(actor(), 'document.read', { orgId: 'o', exportControlled: true })).toEqual({ allowed: false, reason: 'scope' });
    expect(decide(actor({ exportClearance: true }), 'document.read', { orgId: 'o', exportControlled: true }).allowed).toBe(true);
  });

  it('limits a scoped API token to its scopes', () => {
    const scoped = actor({ scopes: ['document.read'] });
    expect(decide(scoped, 'document.read').allowed).toBe(true);
    expect(decide(scoped, 'document.create')).toEqual({ allowed: false, reason: 'permission' });
    expect(decide(actor({ role: 'auditor', scopes: ['document.create'] }), 'document.create').allowed).toBe(false);
  });

  it('counts a step-up as fresh for five minutes, for signatories and admins only', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(isStepUpFresh(actor({ stepUpAt: new Date(now.getTime() - 4 * 60_000) }), now)).toBe(true);
    expect(isStepUpFresh(actor({ stepUpAt: new Date(now.getTime() - 6 * 60_000) }), now)).toBe(false);
    expect(isStepUpFresh(actor(), now)).toBe(false);
    expect(['admin', 'signatory', 'auditor', 'customer'].map((r) => mayEnrolTotp(r as Actor['role']))).toEqual([true, true, false, false]);
  });
});
