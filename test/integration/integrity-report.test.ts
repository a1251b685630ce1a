import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { createRun, executeRun } from '../../archive/integrity/run-integrity.js';
import { artifacts, integrityRuns } from '../../archive/schema.js';
import { bootstrap } from '../../archive/tokens/bootstrap.js';
import { systemActor } from '../../policies/actor.js';
import { sealIntegrityReport } from '../../server/integrity/seal-report.js';
import { loadP12, type SigningCredential, verifyPdfFile } from '../../signing/index.js';
import { createTestPki } from '../signing/support/test-pki.js';
import { makeTestArchive, type TestArchive, uniqueName } from '../support/fixtures.js';
import { faultInjector } from '../support/integrity-faults.js';
import { tiers } from '../support/tiers.js';

describe.each(tiers)('sealed integrity report ($name tier)', (tier) => {
  let t: TestArchive;
  let seal: SigningCredential;
  let pkiDir: string;
  beforeAll(async () => {
    t = await makeTestArchive(tier);
    pkiDir = mkdtempSync(join(tmpdir(), 'arkiv-seal-pki-'));
    const pki = createTestPki(pkiDir);
    seal = await loadP12(readFileSync(pki.p12.rsa), pki.passphrase);
  }, 120_000);
  afterAll(async () => {
    rmSync(pkiDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it('stores the report as a signed, retention-locked PDF artifact named by the run', async () => {
    const { orgId } = await bootstrap(t.deps.db, t.deps.clock, { orgName: uniqueName('org-'), email: 'admin@example.com' });
    await ingestArtifact(t.deps, systemActor(orgId), {
      body: Readable.from(randomBytes(2000)),
      contentType: 'application/octet-stream',
      docClass: 'coc',
    });
    await faultInjector(tier, t.deps.store, t.database.db).writeOrphan(orgId);
    const run = await createRun(t.deps, systemActor(orgId), 'on_demand');
    await executeRun(t.deps, run.id, orgId, {});
    const artifactId = await sealIntegrityReport(t.deps, orgId, run.id, seal);
    // Idempotent: a retried job does not make a second report.
    expect(await sealIntegrityReport(t.deps, orgId, run.id, seal)).toBe(artifactId);

    const [stored] = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.id, run.id));
    expect(stored?.reportArtifactId).toBe(artifactId);
    const [row] = await t.deps.db.select().from(artifacts).where(eq(artifacts.id, artifactId));
    const ref = { key: row?.storageKey as string, versionId: row?.versionId ?? null };
    expect((await t.deps.store.stat(ref))?.retention).not.toBeNull();
    const path = join(t.dataDir, 'report.pdf');
    await writeFile(path, await buffer(await t.deps.store.open(ref)));
    const report = await verifyPdfFile(path, { trustAnchors: [] });
    expect(report.signatures).toHaveLength(1);
    // Intact, though not trusted here (no anchors given): the seal covers the whole file.
    expect(report.signatures[0]).toMatchObject({ coversWholeDocument: true, digestValid: true, signatureValid: true });
  }, 120_000);
});
