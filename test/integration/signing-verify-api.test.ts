/**
 * POST /api/v1/verify on files signed through the API (valid, archived; tampered; malformed), and
 * B-T signing with a local openssl TSA. Trust anchors come from the registered credentials'
 * chains, plus ARKIV_TRUST_ANCHORS for the TSA's root.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningSettings } from '../../server/routes/signing-routes.js';
import { type LocalTsa, startLocalTsa } from '../signing/support/local-tsa.js';
import { createTestPki, type TestPki } from '../signing/support/test-pki.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, postJson, stepUpWithToken } from '../support/identity.js';
import { signingCalls } from '../support/signing-api.js';
import { tiers } from '../support/tiers.js';

let dir: string;
let pki: TestPki;
let tsa: LocalTsa;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-verify-api-'));
  pki = createTestPki(join(dir, 'pki'));
  tsa = await startLocalTsa(pki);
}, 120_000);
afterAll(async () => {
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(tiers)('verify API and B-T signing ($name tier)', (tier) => {
  let t: TestApp;
  const settings: SigningSettings = {};
  let org: { orgId: string; token: string };
  let signatory: { token: string; userId: string };
  let cocDoc: string;
  let signedSha: string;
  let api: ReturnType<typeof signingCalls>;
  const sign: ReturnType<typeof signingCalls>['sign'] = (...args) => api.sign(...args);
  const verify: ReturnType<typeof signingCalls>['verify'] = (...args) => api.verify(...args);
  const download = (sha: string) => api.download(sha);

  beforeAll(async () => {
    t = await makeTestApp(tier, { signing: settings });
    org = await t.newOrg();
    api = signingCalls(t, org.token);
    signatory = await api.tokenFor('signatory');
    const customer = (await json(await postJson(t, org.token, '/api/v1/customers', { name: 'Customer' }))).id;
    cocDoc = await api.createDoc('coc', customer);
    const registered = await api.register(signatory.userId, pki.p12.ec, pki.passphrase);
    if (registered.status !== 201) throw new Error(`register: ${await registered.text()}`);
    await stepUpWithToken(t, signatory.token);
    const signed = await sign(signatory.token, cocDoc);
    if (signed.status !== 201) throw new Error(`sign: ${await signed.text()}`);
    signedSha = (await json(signed)).artifactSha256;
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('verifies the signed file as valid and archived, a tampered copy as neither', async () => {
    const bytes = await download(signedSha);
    const ok = await json(await verify(signatory.token, bytes));
    expect(ok.valid, JSON.stringify(ok)).toBe(true);
    expect(ok.signatures[0]).toMatchObject({ digestValid: true, signatureValid: true, chainTrusted: true, coversWholeDocument: true });
    expect(ok.archived).toEqual({ sha256: signedSha, matches: true });
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf('/MediaBox');
    tampered[at + 2] = tampered[at + 2] === 0x65 ? 0x45 : 0x65;
    const bad = await json(await verify(signatory.token, tampered));
    expect(bad.valid).toBe(false);
    expect(bad.signatures[0].digestValid).toBe(false);
    expect(bad.archived.matches).toBe(false);
  });

  it('answers malformed input with 400 and a report, never a crash', async () => {
    const res = await verify(org.token, randomBytes(500));
    expect(res.status).toBe(400);
    const report = await json(res);
    expect(report.valid).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
  });

  it('signs B-T with the configured TSA, and refuses B-T without one', async () => {
    const refused = await sign(signatory.token, cocDoc, { level: 'B-T' });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe('tsa_not_configured');
    settings.tsaUrl = tsa.url;
    // The TSA certificate is issued by the root, which no credential carries: configure it as an anchor.
    settings.trustAnchorsPem = readFileSync(pki.rootPem, 'utf8');
    try {
      const res = await sign(signatory.token, cocDoc, { level: 'B-T', reason: 'Reviewed' });
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ signedRevisionNo: 2, newRevisionNo: 3, level: 'B-T' });
      expect(body.timestamp).toEqual(expect.any(String));
      const bytes = await download(body.artifactSha256);
      const report = await json(await verify(org.token, bytes));
      expect(report.valid, JSON.stringify(report)).toBe(true);
      expect(report.signatures.map((s: { level: string }) => s.level)).toEqual(['B-B', 'B-T']);
      expect(report.archived.matches).toBe(true);
    } finally {
      settings.tsaUrl = undefined;
      settings.trustAnchorsPem = undefined;
    }
  });
});
