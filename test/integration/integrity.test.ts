import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { writeCheckpoint } from '../../archive/audit/checkpoint.js';
import { ed25519Signer } from '../../archive/audit/checkpoint-signer.js';
import { createRun, executeRun } from '../../archive/integrity/run-integrity.js';
import type { BlobStore } from '../../archive/ports/blob-store.js';
import { artifacts, integrityFindings, integrityRuns, signatureVerifications } from '../../archive/schema.js';
import { bootstrap } from '../../archive/tokens/bootstrap.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { verifyPdfFile } from '../../signing/index.js';
import { makeTestArchive, type TestArchive, uniqueName } from '../support/fixtures.js';
import { faultInjector } from '../support/integrity-faults.js';
import { repoRoot } from '../support/server-process.js';
import { tiers } from '../support/tiers.js';

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const verifySignatures = async (_orgId: string, path: string) => {
  const report = await verifyPdfFile(path, { trustAnchors: [] });
  return { valid: report.valid, signatureCount: report.signatures.length };
};
const minimalPdf = join(repoRoot, 'test/signing/fixtures/pyhanko/minimal.pdf');

describe.each(tiers)('integrity runs ($name tier)', (tier) => {
  let t: TestArchive;
  beforeAll(async () => {
    t = await makeTestArchive(tier);
  }, 120_000);
  afterAll(() => t?.cleanup());

  async function seed(count: number) {
    const { orgId } = await bootstrap(t.deps.db, t.deps.clock, { orgName: uniqueName('org-'), email: 'admin@example.com' });
    const items: { row: typeof artifacts.$inferSelect; bytes: Buffer }[] = [];
    for (let i = 0; i < count; i++) {
      const bytes = randomBytes(1000 + i * 137);
      const { row } = await ingestArtifact(t.deps, systemActor(orgId), {
        body: Readable.from(bytes),
        contentType: 'application/octet-stream',
        docClass: 'coc',
      });
      items.push({ row, bytes });
    }
    return { orgId, items };
  }

  it('finds and names every injected fault, and nothing else', async () => {
    const { orgId, items } = await seed(7);
    // A PDF whose signature verdict is on record: re-verified, unchanged, not flagged.
    const pdf = await ingestArtifact(t.deps, systemActor(orgId), {
      body: Readable.from(await readFile(minimalPdf)),
      contentType: 'application/pdf',
      docClass: 'coc',
    });
    const verdict = await verifySignatures(orgId, minimalPdf);
    await t.deps.db.insert(signatureVerifications).values({
      id: newId(),
      orgId,
      artifactId: pdf.row.id,
      verifierVersion: 'test',
      signatureCount: verdict.signatureCount,
      valid: verdict.valid,
      report: {},
    });
    await writeCheckpoint(t.deps, signer, orgId);

    const f = faultInjector(tier, t.deps.store, t.database.db);
    const [flipped, deleted, edited, extra, repointed] = items.map((i) => i.row);
    const label = new Map(items.map((i, n) => [i.row.id, `#${n}`]));
    await f.flipByte(must(flipped), must(items[0]).bytes);
    await f.deleteObject(must(deleted));
    const orphanKey = await f.writeOrphan(orgId);
    await f.editArtifact(must(edited).id, { size: must(edited).size + 1 });
    await f.tamperAuditEntry(orgId, 2);
    const expected = ['fixity_mismatch #0', 'size_mismatch #2', 'orphan_object orphan', 'audit_hash_mismatch -'];
    if (tier.s3) {
      // Versions exist only in S3. The flipped copy is a new version the row was repointed at, so
      // the genuine one is now an extra version; DELETE under Object Lock only adds a marker; and
      // a row pointing at a version that does not exist stands for an object that is gone.
      await f.writeRaw(must(extra).storageKey, randomBytes(10));
      await f.editArtifact(must(repointed).id, { versionId: 'no-such-version' });
      // The flipped copy was written without Arkiv, so it carries only the bucket's 1-day default lock.
      expected.push('extra_version #0', 'retention_short #0', 'delete_marker #1', 'extra_version #3', 'missing_object #4');
    } else {
      // The filesystem store has no versions (extra versions cannot exist there) and no bucket
      // default lock: the orphan written beside Arkiv has no retention at all.
      expected.push('missing_object #1', 'no_retention orphan');
    }

    const run = await createRun(t.deps, systemActor(orgId), 'on_demand');
    const summary = await executeRun(t.deps, run.id, orgId, { auditTrust: signer, verifySignatures, hashThreads: 2 });
    const findings = await t.deps.db.select().from(integrityFindings).where(eq(integrityFindings.runId, run.id));
    const named = findings.map((x) => `${x.kind} ${x.artifactId ? label.get(x.artifactId) : x.objectKey === orphanKey ? 'orphan' : '-'}`);
    expect(named.sort()).toEqual(expected.sort());
    expect(summary.findings).toBe(expected.length);
    expect(summary.signatures).toEqual({ checked: 1 });
    expect(summary.audit?.ok).toBe(false);
    // Everything that was read intact is now covered; the broken ones are not.
    const rows = await t.deps.db.select().from(artifacts).where(eq(artifacts.orgId, orgId));
    const unverified = rows.filter((r) => !r.lastVerifiedAt).map((r) => label.get(r.id));
    expect(unverified.sort()).toEqual(tier.s3 ? ['#0', '#4'] : ['#0', '#1']);
  }, 120_000);

  it('resumes a run killed half-way without re-hashing what it already verified', async () => {
    const { orgId, items } = await seed(10);
    const opens = new Map<string, number>();
    const counting: BlobStore = Object.create(t.deps.store);
    counting.open = (ref, range) => {
      opens.set(ref.key, (opens.get(ref.key) ?? 0) + 1);
      return t.deps.store.open(ref, range);
    };
    const deps = { ...t.deps, store: counting };
    const run = await createRun(deps, systemActor(orgId), 'full');
    const crash = new AbortController();
    const options = { auditTrust: signer, hashThreads: 2, batchSize: 2 };
    await expect(
      executeRun(deps, run.id, orgId, { ...options, signal: crash.signal, onProgress: (p) => p.objects >= 4 && crash.abort() }),
    ).rejects.toThrow();
    const [killed] = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.id, run.id));
    expect(killed?.status).toBe('running');
    // Half-way: the batch already hashed when the crash came (the pass reads one batch ahead) is
    // recorded too; nothing after it was read.
    expect(opens.size).toBeGreaterThanOrEqual(4);
    expect(opens.size).toBeLessThanOrEqual(6);

    const summary = await executeRun(deps, run.id, orgId, options);
    expect(summary).toMatchObject({ ok: true, findings: 0, fixity: { objects: 10 } });
    expect(summary.fixity.bytes).toBe(items.reduce((n, i) => n + i.bytes.length, 0));
    expect([...opens.values()].every((n) => n === 1)).toBe(true);
    expect(opens.size).toBe(10);
    const [done] = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.id, run.id));
    expect(done?.status).toBe('succeeded');
  }, 120_000);
});

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing test value');
  return value;
}
