import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../../archive/identity/sessions.js';
import { readSessionJwt, setSessionCookies } from './session-cookie.js';

const session = (now: Date): SessionRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  userId: '00000000-0000-4000-8000-000000000003',
  role: 'admin',
  customerId: null,
  orderId: null,
  via: 'password',
  csrfHash: 'x',
  stepUpAt: null,
  expiresAt: new Date(now.getTime() + 3_600_000),
  revokedAt: null,
  createdAt: now,
});

describe('session cookies', () => {
  it('are HttpOnly, SameSite=Lax and Secure in production mode; the CSRF cookie is readable by script', async () => {
    const app = new Hono();
    const key = randomBytes(32);
    app.get('/', async (c) => {
      await setSessionCookies(c, { sessionKey: key, secureCookies: true }, session(new Date()), new Date(), 'csrf');
      return c.body(null, 204);
    });
    const cookies = (await app.request('/')).headers.getSetCookie();
    const sessionCookie = cookies.find((c) => c.startsWith('arkiv_session=')) as string;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Lax/);
    expect(sessionCookie).toMatch(/Secure/);
    const csrf = cookies.find((c) => c.startsWith('arkiv_csrf=')) as string;
    expect(csrf).toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it('rejects a JWT signed with another key or past its 15 minutes', async () => {
    const app = new Hono();
    const key = randomBytes(32);
    const now = new Date();
    app.get('/', async (c) => {
      await setSessionCookies(c, { sessionKey: key, secureCookies: false }, session(now), now);
      return c.body(null, 204);
    });
    const jwt = ((await app.request('/')).headers.getSetCookie()[0] ?? '').split(';')[0]?.split('=')[1] as string;
    expect(await readSessionJwt(key, jwt, now)).not.toBeNull();
    expect(await readSessionJwt(randomBytes(32), jwt, now)).toBeNull();
    expect(await readSessionJwt(key, jwt, new Date(now.getTime() + 16 * 60_000))).toBeNull();
  });
});
