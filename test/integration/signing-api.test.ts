/**
 * The act of signing through the API: credentials registered by an admin, a signatory signing a
 * document after step-up, and the refusals (step-up, grant, credential, organization, revoked).
 * pdfsig judges our output independently. POST /verify and B-T: signing-verify-api.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, signatures } from '../../archive/schema.js';
import { pdfsig } from '../signing/support/pdf-tools.js';
import { createTestPki, type TestPki } from '../signing/support/test-pki.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, postJson, stepUpWithToken } from '../support/identity.js';
import { signingCalls } from '../support/signing-api.js';
import { tiers } from '../support/tiers.js';

let dir: string;
let pki: TestPki;
const p12 = (path: string) => readFileSync(path).toString('base64');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-sign-api-'));
  pki = createTestPki(join(dir, 'pki'));
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(tiers)('signing API ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let other: { orgId: string; token: string };
  let signatory: { token: string; userId: string };
  let credentialId: string;
  let cocDoc: string;
  let millDoc: string;
  let signedSha: string;

  let api: ReturnType<typeof signingCalls>;
  const sign: ReturnType<typeof signingCalls>['sign'] = (...args) => api.sign(...args);
  const download = (sha: string) => api.download(sha);

  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
    other = await t.newOrg();
    api = signingCalls(t, org.token);
    signatory = await api.tokenFor('signatory');
    const customer = (await json(await postJson(t, org.token, '/api/v1/customers', { name: 'Customer' }))).id;
    cocDoc = await api.createDoc('coc', customer);
    millDoc = await api.createDoc('mill_cert', customer);
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('registers a P12 for a signatory and never shows the key', async () => {
    const res = await postJson(t, org.token, '/api/v1/signing-credentials', {
      userId: signatory.userId,
      p12Base64: p12(pki.p12.rsa),
      passphrase: pki.passphrase,
      docClasses: ['coc'],
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    expect(text).not.toMatch(/PRIVATE KEY|privateKey|v1\./);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ userId: signatory.userId, docClasses: ['coc'], customerIds: [], revokedAt: null });
    expect(body.subject).toContain('Signer RSA');
    credentialId = body.id;
    const list = await t.call(org.token, '/api/v1/signing-credentials');
    const listed = await list.text();
    expect(listed).toContain(credentialId);
    expect(listed).not.toMatch(/PRIVATE KEY/);
    expect((await t.call(other.token, '/api/v1/signing-credentials')).status).toBe(200);
    expect(await (await t.call(other.token, '/api/v1/signing-credentials')).text()).not.toContain(credentialId);
  });

  it('refuses expired, wrong-usage and unreadable credentials with stable codes (400)', async () => {
    const cases = [
      [pki.p12.expired, pki.passphrase, 'certificate_expired'],
      [pki.p12.noKeyUsage, pki.passphrase, 'certificate_key_usage'],
      [pki.p12.rsa, 'wrong', 'credential_unreadable'],
    ] as const;
    for (const [file, passphrase, code] of cases) {
      const res = await postJson(t, org.token, '/api/v1/signing-credentials', {
        userId: signatory.userId,
        p12Base64: p12(file),
        passphrase,
        docClasses: ['coc'],
      });
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe(code);
    }
  });

  it('refuses to sign without a fresh step-up, and audits the refusal', async () => {
    const res = await sign(signatory.token, cocDoc);
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('step_up_required');
    const denials = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.targetId, cocDoc), eq(auditEntries.outcome, 'denied')));
    expect(denials.map((d) => JSON.parse(d.details).reason)).toContain('step_up_required');
  });

  it('signs the current revision into a new revision that pdfsig and our verifier accept', async () => {
    await stepUpWithToken(t, signatory.token);
    const res = await sign(signatory.token, cocDoc);
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({
      documentId: cocDoc,
      signedRevisionNo: 1,
      newRevisionNo: 2,
      signerUserId: signatory.userId,
      credentialId,
      reason: 'Approved',
      level: 'B-B',
    });
    signedSha = body.artifactSha256;
    const doc = await json(await t.call(org.token, `/api/v1/documents/${cocDoc}`));
    expect(doc.currentRevision).toBe(2);
    expect(doc.revisions[1].artifactSha256).toBe(signedSha);
    const file = join(dir, `${tier.name}-signed.pdf`);
    writeFileSync(file, await download(signedSha));
    const tool = pdfsig(file);
    expect(tool.signatures, tool.raw).toHaveLength(1);
    expect(tool.signatures[0]).toMatchObject({ valid: true, total: true });
    const audit = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.action, 'document.sign')));
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      meaning: 'Approved',
      newRevisionNo: 2,
      artifact: signedSha,
      credentialId,
    });
  });

  it('keeps signature records append-only', async () => {
    const [row] = await t.deps.db.select().from(signatures).where(eq(signatures.documentId, cocDoc));
    expect(row?.artifactSha256).toBe(signedSha);
    await expect(t.deps.db.execute(sql`update signatures set reason = 'forged' where document_id = ${cocDoc}`)).rejects.toThrow();
  });

  it('refuses classes outside the grant, callers without a credential, and other organizations', async () => {
    const mill = await sign(signatory.token, millDoc);
    expect(mill.status).toBe(403);
    expect((await json(mill)).error.code).toBe('signing_not_permitted');
    await stepUpWithToken(t, org.token);
    const admin = await sign(org.token, cocDoc);
    expect(admin.status).toBe(403);
    expect((await json(admin)).error.code).toBe('no_signing_credential');
    const foreign = await sign(other.token, cocDoc);
    expect(foreign.status).toBe(404);
    const denials = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.targetId, millDoc), eq(auditEntries.outcome, 'denied')));
    expect(denials.map((d) => JSON.parse(d.details).reason)).toContain('signing_not_permitted');
  });

  it("refuses a document of a customer outside the credential's customers", async () => {
    const limited = await api.tokenFor('signatory');
    const otherCustomer = (await json(await postJson(t, org.token, '/api/v1/customers', { name: 'Elsewhere' }))).id;
    const res = await postJson(t, org.token, '/api/v1/signing-credentials', {
      userId: limited.userId,
      p12Base64: p12(pki.p12.ec),
      passphrase: pki.passphrase,
      docClasses: ['coc'],
      customerIds: [otherCustomer],
    });
    expect(res.status).toBe(201);
    await stepUpWithToken(t, limited.token);
    const refused = await sign(limited.token, cocDoc);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('signing_not_permitted');
  });

  it('refuses B-T when no time-stamp authority is configured', async () => {
    const refused = await sign(signatory.token, cocDoc, { level: 'B-T' });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe('tsa_not_configured');
  });
  it('stops signing once the credential is revoked', async () => {
    const res = await t.call(org.token, `/api/v1/signing-credentials/${credentialId}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await json(res)).revokedAt).toEqual(expect.any(String));
    expect((await t.call(other.token, `/api/v1/signing-credentials/${credentialId}`, { method: 'DELETE' })).status).toBe(404);
    const refused = await sign(signatory.token, cocDoc);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('no_signing_credential');
  });
});
