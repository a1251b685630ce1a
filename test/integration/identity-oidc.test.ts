import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, users } from '../../archive/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, postJson } from '../support/identity.js';
import { tiers } from '../support/tiers.js';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;

/** A real OIDC issuer on 127.0.0.1: discovery and JWKS over HTTP, tokens signed with jose. */
async function startIssuer(keys: { kid: string; alg: string; key: Key }[]) {
  const jwks = {
    keys: await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.key.publicKey)), kid: k.kid, alg: k.alg, use: 'sig' }))),
  };
  let base = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify(jwks));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer: base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe.each(tiers)('OIDC bearer tokens against a local issuer ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let rsa: Key;
  let ec: Key;
  let stranger: Key;
  let idp: Awaited<ReturnType<typeof startIssuer>>;
  let rogue: Awaited<ReturnType<typeof startIssuer>>;
  const audience = 'api://arkiv';

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256'), generateKeyPair('RS256')]);
    idp = await startIssuer([
      { kid: 'rsa1', alg: 'RS256', key: rsa },
      { kid: 'ec1', alg: 'ES256', key: ec },
    ]);
    rogue = await startIssuer([{ kid: 'rsa1', alg: 'RS256', key: stranger }]);
    t = await makeTestApp(tier);
    org = await t.newOrg();
    const res = await postJson(t, org.token, '/api/v1/identity-providers', {
      issuer: idp.issuer,
      audience,
      rolesClaim: 'groups',
      roleMap: { 'arkiv-auditors': 'auditor', 'arkiv-signers': 'signatory' },
    });
    expect(res.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await idp?.close();
    await rogue?.close();
    await t?.cleanup();
  });

  const sign = (claims: JWTPayload, opts: { key?: Key; kid?: string; alg?: string; exp?: number | string } = {}) => {
    const alg = opts.alg ?? 'RS256';
    return new SignJWT({ groups: ['arkiv-auditors'], email: 'kari@supplier.example', ...claims })
      .setProtectedHeader({ alg, kid: opts.kid ?? 'rsa1' })
      .setIssuer(idp.issuer)
      .setAudience(audience)
      .setSubject('kari')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign((opts.key ?? rsa).privateKey);
  };
  const get = (token: string) => t.call(token, '/api/v1/customers');

  it('accepts a valid RS256 or ES256 token, creating the user just in time with the mapped role', async () => {
    expect((await get(await sign({}))).status).toBe(200);
    expect((await get(await sign({}, { key: ec, kid: 'ec1', alg: 'ES256' }))).status).toBe(200);
    const [user] = await t.deps.db
      .select()
      .from(users)
      .where(and(eq(users.orgId, org.orgId), eq(users.oidcSubject, 'kari')));
    expect(user?.role).toBe('auditor');
    expect((await postJson(t, await sign({}), '/api/v1/customers', { name: 'x' })).status).toBe(403);
    const signer = await sign({ groups: ['arkiv-signers'] });
    expect((await json(await t.call(signer, '/api/v1/auth/session'))).role).toBe('signatory');
    const created = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.action, 'auth.oidc.user_created')));
    expect(created).toHaveLength(1);
  });

  it('refuses wrong issuer, wrong audience, expiry, alg none, HS256 with the public key, an unknown kid, unmapped groups', async () => {
    const now = Math.floor(Date.now() / 1000);
    const wrongIssuer = await new SignJWT({ groups: ['arkiv-auditors'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa1' })
      .setIssuer(rogue.issuer)
      .setAudience(audience)
      .setSubject('kari')
      .setExpirationTime('5m')
      .sign(stranger.privateKey);
    const forgedIssuer = await sign({}, { key: stranger });
    const wrongAudience = await new SignJWT({ groups: ['arkiv-auditors'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa1' })
      .setIssuer(idp.issuer)
      .setAudience('api://someone-else')
      .setSubject('kari')
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    const expired = await sign({}, { exp: now - 120 });
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: idp.issuer, aud: audience, sub: 'kari', exp: now + 300, groups: ['arkiv-auditors'] })}.`;
    const publicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const hs256 = await new SignJWT({ groups: ['arkiv-auditors'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa1' })
      .setIssuer(idp.issuer)
      .setAudience(audience)
      .setSubject('kari')
      .setExpirationTime('5m')
      .sign(publicPem);
    const unknownKid = await sign({}, { key: stranger, kid: 'nope' });
    const unmapped = await sign({ groups: ['everyone'] });
    const cases = { wrongIssuer, forgedIssuer, wrongAudience, expired, none, hs256, unknownKid, unmapped };
    const statuses = Object.fromEntries(await Promise.all(Object.entries(cases).map(async ([k, v]) => [k, (await get(v)).status])));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 401])));
    const refusals = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.action, 'auth.oidc')));
    const reasons = refusals.map((e) => JSON.parse(e.details).reason);
    expect(reasons).toEqual(expect.arrayContaining(['expired', 'algorithm not allowed', 'unknown key id', 'no mapped role']));
  });

  it('accepts a token that expired within the 30 s clock skew', async () => {
    expect((await get(await sign({}, { exp: Math.floor(Date.now() / 1000) - 10 }))).status).toBe(200);
  });
});
