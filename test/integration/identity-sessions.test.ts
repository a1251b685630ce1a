import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../archive/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { Browser, json, postJson, totpCode } from '../support/identity.js';
import { tiers } from '../support/tiers.js';

const password = 'correct horse battery staple';
const ip = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

describe.each(tiers)('local accounts and portal sessions ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };

  beforeAll(async () => {
    t = await makeTestApp(tier, { identity: { trustProxy: true } });
    org = await t.newOrg();
  }, 60_000);
  afterAll(() => t?.cleanup());

  const newUser = async (role: string, extra: Record<string, unknown> = {}) => {
    const email = `${role}-${randomBytes(3).toString('hex')}@example.com`;
    const res = await postJson(t, org.token, '/api/v1/users', { email, role, password, ...extra });
    expect(res.status).toBe(200);
    return { email, id: (await json(res)).id as string };
  };
  const browser = () => new Browser(t, { 'x-forwarded-for': ip(), 'user-agent': 'vitest-browser' });
  const actions = async (action: string) =>
    t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.action, action)));

  it('signs in with a password, sets an HttpOnly SameSite=Lax cookie, and refuses a write without the CSRF token', async () => {
    const { email } = await newUser('document_controller');
    const b = browser();
    const res = await b.signIn('/api/v1/auth/login', { email, password });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('arkiv_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await b.request('/api/v1/auth/session')).status).toBe(200);
    expect((await b.request('/api/v1/customers')).status).toBe(200);
    const forged = await b.request('/api/v1/customers', { method: 'POST', body: { name: 'Forged' }, csrf: false });
    expect(forged.status).toBe(403);
    expect((await json(forged)).error.code).toBe('csrf_failed');
    const wrong = new Browser(t);
    for (const [k, v] of b.cookies) wrong.cookies.set(k, v);
    wrong.csrf = 'not-the-token';
    expect((await wrong.request('/api/v1/customers', { method: 'POST', body: { name: 'Forged' } })).status).toBe(403);
    expect((await b.request('/api/v1/customers', { method: 'POST', body: { name: 'Real' } })).status).toBe(201);
    expect((await actions('auth.csrf_failed')).length).toBeGreaterThanOrEqual(2);
    const logins = await actions('auth.login');
    expect(logins.some((e) => e.outcome === 'success' && e.userAgent === 'vitest-browser' && e.ip !== null)).toBe(true);
  });

  it('ends the session on logout, and on a privilege change', async () => {
    const { email } = await newUser('auditor');
    const b = browser();
    await b.signIn('/api/v1/auth/login', { email, password });
    const saved = new Map(b.cookies);
    expect((await b.request('/api/v1/auth/logout', { method: 'POST' })).status).toBe(204);
    const replay = new Browser(t);
    for (const [k, v] of saved) replay.cookies.set(k, v);
    expect((await replay.request('/api/v1/customers')).status).toBe(401);

    const c = browser();
    await c.signIn('/api/v1/auth/login', { email, password });
    expect((await c.request('/api/v1/customers')).status).toBe(200);
    await postJson(t, org.token, '/api/v1/users', { email, role: 'signatory' });
    expect((await c.request('/api/v1/customers')).status).toBe(401);
    const again = await c.signIn('/api/v1/auth/login', { email, password });
    expect((await json(again)).role).toBe('signatory');
  });

  it('looks the same for an unknown e-mail and a wrong password, and locks the account after 5 failures', async () => {
    const { email } = await newUser('signatory');
    const b = browser();
    const unknown = await b.request('/api/v1/auth/login', { method: 'POST', body: { email: 'nobody@example.com', password } });
    const wrong = await b.request('/api/v1/auth/login', { method: 'POST', body: { email, password: 'wrong password!' } });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect((await json(unknown)).error).toEqual((await json(wrong)).error);
    for (let i = 0; i < 4; i++) await b.request('/api/v1/auth/login', { method: 'POST', body: { email, password: 'wrong password!' } });
    const locked = await browser().request('/api/v1/auth/login', { method: 'POST', body: { email, password } });
    expect(locked.status).toBe(401);
    expect((await actions('auth.account_locked')).length).toBeGreaterThanOrEqual(1);
    expect((await actions('auth.login')).filter((e) => e.outcome === 'failure').length).toBeGreaterThanOrEqual(6);
  });

  it('rate-limits one address after 20 failures while other addresses still sign in', async () => {
    const { email } = await newUser('auditor');
    const attacker = browser();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await attacker.request('/api/v1/auth/login', { method: 'POST', body: { email: `x${i}@example.com`, password } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect((await attacker.request('/api/v1/auth/login', { method: 'POST', body: { email, password } })).status).toBe(429);
    expect((await browser().signIn('/api/v1/auth/login', { email, password })).status).toBe(200);
  });

  it('honours API token scopes: a permission outside them is 403', async () => {
    const body = { name: 'scoped', role: 'document_controller', email: 'scoped@example.com' };
    const created = await json(await postJson(t, org.token, '/api/v1/tokens', body));
    const { apiTokens } = await import('../../archive/schema.js');
    await t.deps.db
      .update(apiTokens)
      .set({ scopes: ['customer.read'] })
      .where(eq(apiTokens.id, created.id));
    expect((await t.call(created.token, '/api/v1/customers')).status).toBe(200);
    expect((await postJson(t, created.token, '/api/v1/customers', { name: 'Out of scope' })).status).toBe(403);
  });

  it('rotates the session on step-up and refuses a replayed TOTP code', async () => {
    const { email } = await newUser('signatory');
    const b = browser();
    await b.signIn('/api/v1/auth/login', { email, password });
    const enrol = await b.request('/api/v1/auth/totp/enrol', { method: 'POST' });
    expect(enrol.status).toBe(200);
    const { secret, otpauthUrl } = await json(enrol);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect((await b.request('/api/v1/auth/totp/confirm', { method: 'POST', body: { code: totpCode(secret) } })).status).toBe(204);
    const before = b.cookies.get('arkiv_session');
    const oldCsrf = b.csrf;
    const code = totpCode(secret, 1);
    const up = await b.request('/api/v1/auth/step-up', { method: 'POST', body: { code } });
    expect(up.status).toBe(200);
    const body = await json(up);
    expect(body.csrfToken).not.toBe(oldCsrf);
    b.csrf = body.csrfToken;
    expect(b.cookies.get('arkiv_session')).not.toBe(before);
    expect((await json(await b.request('/api/v1/auth/session'))).stepUpFresh).toBe(true);
    const replayed = await b.request('/api/v1/auth/step-up', { method: 'POST', body: { code } });
    expect(replayed.status).toBe(403);
    const old = new Browser(t);
    old.cookies.set('arkiv_session', before as string);
    expect((await old.request('/api/v1/auth/session')).status).toBe(401);
    expect((await actions('auth.step_up')).map((e) => e.outcome)).toEqual(expect.arrayContaining(['success', 'failure']));
    const auditor = await newUser('auditor');
    const a = browser();
    await a.signIn('/api/v1/auth/login', { email: auditor.email, password });
    expect((await a.request('/api/v1/auth/totp/enrol', { method: 'POST' })).status).toBe(403);
  });

  it('hides export-controlled documents from users without clearance', async () => {
    const bytes = randomBytes(500);
    await t.call(org.token, '/api/v1/artifacts?docClass=other', { method: 'POST', body: bytes });
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const doc = await json(
      await postJson(t, org.token, '/api/v1/documents', {
        artifactSha256: sha,
        docClass: 'other',
        title: 'Drawing',
        exportControlled: true,
      }),
    );
    const cleared = await newUser('auditor', { exportClearance: true });
    const uncleared = await newUser('auditor');
    const as = async (email: string) => {
      const b = browser();
      await b.signIn('/api/v1/auth/login', { email, password });
      return b;
    };
    const yes = await as(cleared.email);
    const no = await as(uncleared.email);
    expect((await yes.request(`/api/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await no.request(`/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await no.request(`/api/v1/artifacts/${sha}`)).status).toBe(404);
    const listed = await json(await no.request('/api/v1/documents'));
    expect(listed.items.map((d: { id: string }) => d.id)).not.toContain(doc.id);
  });
});
