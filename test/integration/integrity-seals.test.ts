import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, integrityRuns, organizationSeals } from '../../archive/schema.js';
import { reportSealer } from '../../server/integrity/org-seal.js';
import { integrityRunJob } from '../../server/jobs/integrity-job.js';
import { startJobRunner } from '../../server/jobs/job-runner.js';
import { createLogger } from '../../server/logger.js';
import { loadP12, type SigningCredential } from '../../signing/index.js';
import { createTestPki, type TestPki } from '../signing/support/test-pki.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, postJson, stepUpWithToken } from '../support/identity.js';
import { tiers } from '../support/tiers.js';

describe.each(tiers)('organization seals sign integrity reports ($name tier)', (tier) => {
  const masterKey = randomBytes(32);
  let t: TestApp;
  let pkiDir: string;
  let pki: TestPki;
  /** The server-wide seal (ARKIV_INTEGRITY_SEAL_P12): the ECDSA test certificate. */
  let fallback: SigningCredential;
  const p12Body = (path: string) => ({ p12Base64: readFileSync(path).toString('base64'), passphrase: pki.passphrase });

  beforeAll(async () => {
    t = await makeTestApp(tier, { identity: { masterKey } });
    pkiDir = mkdtempSync(join(tmpdir(), 'arkiv-seal-pki-'));
    pki = createTestPki(pkiDir);
    fallback = await loadP12(readFileSync(pki.p12.ec), pki.passphrase);
  }, 120_000);
  afterAll(async () => {
    rmSync(pkiDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  /** Runs an on-demand run through the job runner, as the server does, and returns the report's verification. */
  async function sealedReport(token: string) {
    for (let i = 0; i < 2; i++) await t.call(token, '/api/v1/artifacts?docClass=coc', { method: 'POST', body: randomBytes(3000) });
    const run = await json(await t.call(token, '/api/v1/integrity/runs', { method: 'POST' }));
    const runner = startJobRunner({
      deps: t.deps,
      definitions: [integrityRunJob({ seal: reportSealer({ ...t.deps, masterKey }, async () => fallback) }) as never],
      logger: createLogger({ LOG_LEVEL: 'silent' }),
      pollMs: 20,
    });
    try {
      for (let i = 0; i < 600; i++) {
        const [row] = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.id, run.id));
        if (row?.reportArtifactId) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await runner.stop();
    }
    // What an auditor does: read the run, download its report, have the archive verify it.
    const shown = await json(await t.call(token, `/api/v1/integrity/runs/${run.id}`));
    expect(shown).toMatchObject({ status: 'succeeded', reportSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const pdf = await t.call(token, `/api/v1/artifacts/${shown.reportSha256}`);
    expect(pdf.status).toBe(200);
    const verified = await t.call(token, '/api/v1/verify', { method: 'POST', body: Buffer.from(await pdf.arrayBuffer()) });
    expect(verified.status).toBe(200);
    const report = await json(verified);
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({ coversWholeDocument: true, digestValid: true, signatureValid: true });
    return report.signatures[0].signer.certSha256 as string;
  }

  it('asks for a fresh step-up, then registers, lists and revokes a seal, each audited', async () => {
    const { orgId, token } = await t.newOrg();
    const refused = await postJson(t, token, '/api/v1/seals', p12Body(pki.p12.rsa));
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('step_up_required');

    await stepUpWithToken(t, token);
    const expired = await postJson(t, token, '/api/v1/seals', p12Body(pki.p12.expired));
    expect(expired.status).toBe(400);
    expect((await json(expired)).error.code).toBe('certificate_expired');
    const created = await postJson(t, token, '/api/v1/seals', p12Body(pki.p12.rsa));
    expect(created.status).toBe(201);
    const seal = await json(created);
    expect(seal).toMatchObject({ subject: expect.stringContaining('CN='), revokedAt: null });
    expect(JSON.stringify(seal)).not.toContain('PRIVATE');
    const [row] = await t.deps.db.select().from(organizationSeals).where(eq(organizationSeals.id, seal.id));
    expect(row?.privateKeyEnc).not.toContain('PRIVATE KEY');

    expect((await json(await t.call(token, '/api/v1/seals'))).items.map((s: { id: string }) => s.id)).toEqual([seal.id]);
    const other = await t.newOrg();
    expect((await t.call(other.token, `/api/v1/seals/${seal.id}`, { method: 'DELETE' })).status).toBe(404);
    const revoked = await json(await t.call(token, `/api/v1/seals/${seal.id}`, { method: 'DELETE' }));
    expect(revoked.revokedAt).not.toBeNull();

    const actions = (
      await t.deps.db
        .select()
        .from(auditEntries)
        .where(and(eq(auditEntries.orgId, orgId), eq(auditEntries.targetId, seal.id)))
    ).map((e) => e.action);
    expect(actions).toEqual(['organization_seal.register', 'organization_seal.revoke']);
  }, 120_000);

  it("signs an organization's report with its newest unrevoked seal; others fall back to the server-wide seal", async () => {
    const a = await t.newOrg();
    const b = await t.newOrg();
    await stepUpWithToken(t, a.token);
    const seal = await json(await postJson(t, a.token, '/api/v1/seals', p12Body(pki.p12.rsa)));
    const fallbackSha = fallback.chain[0]?.sha256;
    expect(seal.certSha256).not.toBe(fallbackSha);

    expect(await sealedReport(a.token)).toBe(seal.certSha256);
    // Another organization's report is not signed with A's seal.
    expect(await sealedReport(b.token)).toBe(fallbackSha);
    // Revoked: A's next report falls back too.
    await t.call(a.token, `/api/v1/seals/${seal.id}`, { method: 'DELETE' });
    expect(await sealedReport(a.token)).toBe(fallbackSha);
  }, 180_000);
});
