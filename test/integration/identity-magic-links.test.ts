import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, magicLinks } from '../../archive/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { Browser, json, postJson } from '../support/identity.js';
import { tiers } from '../support/tiers.js';

const tokenOf = (url: string) => decodeURIComponent(url.split('/magic/')[1] as string);
let addr = 0;
const nextIp = () => `192.0.2.${++addr}`;

describe.each(tiers)('customer magic links ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let customerA: string;
  let customerB: string;
  let orderA: string;
  let orderB: string;

  beforeAll(async () => {
    t = await makeTestApp(tier, { identity: { trustProxy: true, publicUrl: 'https://arkiv.example.com' } });
    org = await t.newOrg();
    const make = async (path: string, body: unknown) => (await json(await postJson(t, org.token, path, body))).id as string;
    customerA = await make('/api/v1/customers', { name: 'Customer A' });
    customerB = await make('/api/v1/customers', { name: 'Customer B' });
    orderA = await make('/api/v1/orders', { customerId: customerA, number: `PO-A-${randomBytes(3).toString('hex')}` });
    orderB = await make('/api/v1/orders', { customerId: customerB, number: `PO-B-${randomBytes(3).toString('hex')}` });
  }, 60_000);
  afterAll(() => t?.cleanup());

  const issue = async (customerId: string, body: Record<string, unknown> = {}) => {
    const res = await postJson(t, org.token, `/api/v1/customers/${customerId}/magic-links`, { email: 'buyer@customer.example', ...body });
    expect(res.status).toBe(201);
    return json(res);
  };
  const redeem = (token: string, ip = nextIp()) =>
    new Browser(t, { 'x-forwarded-for': ip }).signIn('/api/v1/auth/magic-links/redeem', { token });
  const audit = (action: string) =>
    t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.action, action)));

  it('returns a URL with a 256-bit token, stores only its hash, and opens a session scoped to the customer and order', async () => {
    const link = await issue(customerA, { orderId: orderA });
    expect(link.url).toMatch(/^https:\/\/arkiv\.example\.com\/portal\/#\/magic\//);
    const token = tokenOf(link.url);
    expect(Buffer.from(token.split('.')[1] as string, 'base64url').length).toBe(32);
    const [row] = await t.deps.db.select().from(magicLinks).where(eq(magicLinks.id, link.id));
    expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
    const b = new Browser(t, { 'x-forwarded-for': nextIp() });
    const res = await b.signIn('/api/v1/auth/magic-links/redeem', { token });
    expect(res.status).toBe(200);
    const session = await json(res);
    expect([session.role, session.customerId, session.orderId]).toEqual(['customer', customerA, orderA]);
    expect((await b.request(`/api/v1/orders/${orderA}`)).status).toBe(200);
    expect((await b.request(`/api/v1/orders/${orderB}`)).status).toBe(404);
    expect((await json(await b.request('/api/v1/orders'))).items.map((o: { id: string }) => o.id)).toEqual([orderA]);
    expect((await b.request('/api/v1/customers', { method: 'POST', body: { name: 'x' } })).status).toBe(403);
    expect((await redeem(token)).status).toBe(401); // single use
    expect((await audit('auth.magic_link')).map((e) => e.outcome)).toEqual(expect.arrayContaining(['success', 'failure']));
    expect((await audit('magic_link.issue')).length).toBeGreaterThan(0);
  });

  it('refuses a tampered, a revoked and an expired token, and a link for customer A on customer B`s order', async () => {
    const link = await issue(customerA);
    const token = tokenOf(link.url);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect((await redeem(`${token.slice(0, -1)}${last}`)).status).toBe(401);
    expect(
      (await postJson(t, org.token, `/api/v1/customers/${customerA}/magic-links`, { email: 'x@y.example', orderId: orderB })).status,
    ).toBe(404);
    const revoked = await issue(customerA);
    expect((await t.call(org.token, `/api/v1/customers/${customerA}/magic-links/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await redeem(tokenOf(revoked.url))).status).toBe(401);
    const expired = await issue(customerA, { expiresInHours: 1 });
    await t.deps.db
      .update(magicLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(magicLinks.id, expired.id));
    expect((await redeem(tokenOf(expired.url))).status).toBe(401);
    expect(
      (await postJson(t, org.token, `/api/v1/customers/${customerA}/magic-links`, { email: 'a@b.example', expiresInHours: 73 })).status,
    ).toBe(400);
    const b = new Browser(t, { 'x-forwarded-for': nextIp() });
    await b.signIn('/api/v1/auth/magic-links/redeem', { token });
    expect((await b.request(`/api/v1/orders/${orderB}`)).status).toBe(404);
    expect((await b.request(`/api/v1/customers/${customerB}`)).status).toBe(404);
  });

  it('lists active links; closing the order or removing the contact revokes them and ends their sessions', async () => {
    const order = (
      await json(await postJson(t, org.token, '/api/v1/orders', { customerId: customerA, number: `PO-${randomBytes(3).toString('hex')}` }))
    ).id;
    const forOrder = await issue(customerA, { orderId: order, email: 'one@customer.example' });
    const used = await issue(customerA, { orderId: order, email: 'two@customer.example' });
    const b = new Browser(t, { 'x-forwarded-for': nextIp() });
    await b.signIn('/api/v1/auth/magic-links/redeem', { token: tokenOf(used.url) });
    const active = await json(await t.call(org.token, `/api/v1/customers/${customerA}/magic-links`));
    expect(active.items.map((l: { id: string }) => l.id)).toContain(forOrder.id);
    expect((await postJson(t, org.token, `/api/v1/orders/${order}/close`, {})).status).toBe(200);
    expect((await redeem(tokenOf(forOrder.url))).status).toBe(401);
    expect((await b.request(`/api/v1/orders/${order}`)).status).toBe(401);
    const contact = await issue(customerA, { email: 'leaver@customer.example' });
    const removed = await t.call(org.token, `/api/v1/customers/${customerA}/magic-links?email=leaver@customer.example`, {
      method: 'DELETE',
    });
    expect((await json(removed)).revoked).toBe(1);
    expect((await redeem(tokenOf(contact.url))).status).toBe(401);
    expect((await audit('magic_link.revoke')).length).toBeGreaterThanOrEqual(2);
    const closed = (await audit('order.close')).find((e) => e.targetId === order);
    expect(JSON.parse(closed?.details ?? '{}').revokedLinks).toBe(1);
  });

  it('blocks an address after many invalid tokens and audits it once, while a valid link from another address works', async () => {
    const attacker = '198.51.100.66';
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      // The attacker has seen one link: the organization part is right, the secret is guessed.
      const guess = `${org.orgId}.${randomBytes(32).toString('base64url')}`;
      const res = await t.app.request('/api/v1/auth/magic-links/redeem', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': attacker },
        body: JSON.stringify({ token: guess }),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(statuses.get(429)).toBeGreaterThan(950);
    const suspicious = (await audit('auth.suspicious')).filter((e) => e.ip === attacker);
    expect(suspicious).toHaveLength(1);
    const link = await issue(customerB, { email: 'buyer@customer-b.example' });
    expect((await redeem(tokenOf(link.url), attacker)).status).toBe(429);
    expect((await redeem(tokenOf(link.url), '203.0.113.9')).status).toBe(200);
  }, 120_000);
});
