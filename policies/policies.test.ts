import { describe, expect, it } from 'vitest';
import { decide } from './access.js';
import type { Actor } from './actor.js';
import { laterOf, mayDelete, retainUntil } from './retention.js';
import { permissions, roleHas, roles } from './roles.js';

const actor = (over: Partial<Actor> = {}): Actor => ({
  orgId: 'org-a',
  userId: 'u',
  role: 'admin',
  customerId: null,
  ip: null,
  userAgent: null,
  ...over,
});

describe('permission matrix', () => {
  it('gives admins everything and customers only reads', () => {
    for (const p of permissions) expect(roleHas('admin', p)).toBe(true);
    expect(permissions.filter((p) => roleHas('customer', p))).toEqual(['artifact.read', 'document.read', 'order.read']);
  });

  it('keeps legal hold with admins and integrity runs with auditors', () => {
    expect(roles.filter((r) => roleHas(r, 'legal_hold.set'))).toEqual(['admin']);
    expect(roleHas('auditor', 'integrity.run')).toBe(true);
    expect(roleHas('document_controller', 'integrity.run')).toBe(false);
  });
});

describe('access decisions', () => {
  it('treats another organization as out of scope whatever the role', () => {
    expect(decide(actor(), 'artifact.read', { orgId: 'org-b' })).toEqual({ allowed: false, reason: 'scope' });
  });

  it('limits customer users to their own, published records', () => {
    const customer = actor({ role: 'customer', customerId: 'c1' });
    expect(decide(customer, 'document.read', { orgId: 'org-a', customerId: 'c1', published: true }).allowed).toBe(true);
    expect(decide(customer, 'document.read', { orgId: 'org-a', customerId: 'c1', published: false }).allowed).toBe(false);
    expect(decide(customer, 'document.read', { orgId: 'org-a', customerId: 'c2', published: true }).allowed).toBe(false);
    expect(decide(customer, 'document.create', { orgId: 'org-a', customerId: 'c1' })).toEqual({ allowed: false, reason: 'permission' });
  });
});

describe('retention', () => {
  it('keeps certificates ten years and books fifteen', () => {
    const from = new Date('2026-02-28T12:00:00Z');
    expect(retainUntil('mill_cert', from).toISOString()).toBe('2036-02-28T12:00:00.000Z');
    expect(retainUntil('book', from).toISOString()).toBe('2041-02-28T12:00:00.000Z');
  });

  it('only ever extends, and legal hold blocks deletion even after expiry', () => {
    const a = new Date('2030-01-01');
    const b = new Date('2035-01-01');
    expect(laterOf(a, b)).toBe(b);
    expect(laterOf(b, a)).toBe(b);
    const now = new Date('2040-01-01');
    expect(mayDelete({ retainUntil: b, legalHold: false }, now)).toBe(true);
    expect(mayDelete({ retainUntil: b, legalHold: true }, now)).toBe(false);
    expect(mayDelete({ retainUntil: b, legalHold: false }, a)).toBe(false);
  });
});
