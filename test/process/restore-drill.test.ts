import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { setLegalHold } from '../../archive/artifacts/legal-hold.js';
import { writeCheckpoint } from '../../archive/audit/checkpoint.js';
import type { BackupSummary } from '../../archive/backup/format.js';
import { createCustomer } from '../../archive/customers/customers.js';
import { createOrder } from '../../archive/customers/orders.js';
import { queryRows } from '../../archive/db.js';
import { addRevision, createDocument } from '../../archive/documents/documents.js';
import { signatureVerifications } from '../../archive/schema.js';
import { bootstrap } from '../../archive/tokens/bootstrap.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { loadAuditSigner } from '../../server/audit-key.js';
import { loadConfig } from '../../server/config.js';
import { createRuntime, type Runtime } from '../../server/runtime.js';
import { verifyPdfFile } from '../../signing/index.js';
import { createTestPki } from '../signing/support/test-pki.js';
import { uniqueName } from '../support/fixtures.js';
import { makeTierEnv, repoRoot, runCli, type TierEnv } from '../support/server-process.js';
import { servicesTierOrNull, type Tier, tiers } from '../support/tiers.js';

/**
 * The restore drill, as an operator runs it: `arkiv backup --with-objects` of a seeded archive,
 * then `arkiv restore --verify` into a fresh database and a fresh store, as child processes.
 */
const fixtures = join(repoRoot, 'test/signing/fixtures/pyhanko');
const pdfs = ['minimal.pdf', 'minimal-two-pages.pdf', 'signed/self-signed/minimal-signed-twice-both-created.pdf'];
/** Keys come from the secret store, not from the backup: source and target share them. */
const keys = {
  ARKIV_AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  ARKIV_MASTER_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
};
/** Tables the verification on the restored copy appends to (runs, findings, audit entries, checkpoints). */
const grownByVerify = new Set(['audit_entries', 'audit_checkpoints', 'integrity_runs', 'integrity_findings', 'signature_verifications']);

const openRuntime = (t: TierEnv) => createRuntime(loadConfig({ ...t.env, LOG_LEVEL: 'silent' }), { logToStderr: true });

async function withRuntime<T>(t: TierEnv, fn: (r: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(t);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** Two organizations, each with a customer, an order, a document with two revisions, PDFs (one signed), a held artifact. */
async function seed(t: TierEnv): Promise<void> {
  await withRuntime(t, async ({ archive }) => {
    const signer = await loadAuditSigner({ configuredKeyPem: keys.ARKIV_AUDIT_SIGNING_KEY, dataDir: t.dataDir });
    for (const n of [1, 2]) {
      const { orgId } = await bootstrap(archive.db, archive.clock, { orgName: uniqueName(`org${n}-`), email: `admin${n}@example.com` });
      const actor = { ...systemActor(orgId), stepUpAt: new Date() };
      const customer = await createCustomer(archive, actor, { name: `Customer ${n}`, code: `C${n}` });
      const order = await createOrder(archive, actor, { customerId: customer.id, number: `PO-${n}-001` });
      const stored = [];
      for (const file of pdfs) {
        const body = Readable.from(await readFile(join(fixtures, file)));
        stored.push((await ingestArtifact(archive, actor, { body, contentType: 'application/pdf', docClass: 'mill_cert' })).row);
      }
      const [first, second, signed] = stored as [(typeof stored)[0], (typeof stored)[0], (typeof stored)[0]];
      const doc = await createDocument(archive, actor, {
        artifactSha256: first.sha256,
        docClass: 'mill_cert',
        title: 'Mill cert',
        orderId: order.id,
      });
      await addRevision(archive, actor, doc.id, { artifactSha256: second.sha256, note: 'corrected heat' });
      const verdict = await verifyPdfFile(join(fixtures, pdfs[2] as string), { trustAnchors: [] });
      await archive.db.insert(signatureVerifications).values({
        id: newId(),
        orgId,
        artifactId: signed.id,
        verifierVersion: 'test',
        signatureCount: verdict.signatures.length,
        valid: verdict.valid,
        report: { valid: verdict.valid },
      });
      const held = await ingestArtifact(archive, actor, {
        body: Readable.from(randomBytes(5000 + n)),
        contentType: 'application/octet-stream',
        docClass: 'coc',
      });
      await setLegalHold(archive, actor, held.row.sha256, true, 'dispute with the customer');
      await writeCheckpoint(archive, signer, orgId);
    }
  });
}

/** Every row of every table as Postgres prints it, minus what a restore legitimately changes. */
async function snapshotRows(t: TierEnv, tables: string[]): Promise<Record<string, string[]>> {
  return withRuntime(t, async ({ database }) => {
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      const rows = await queryRows<{ j: string }>(
        database.db,
        sql.raw(`select (to_jsonb(t) - 'version_id' - 'last_verified_at')::text as j from "${table}" t order by 1`),
      );
      out[table] = rows.map((r) => r.j);
    }
    return out;
  });
}

async function restore(backupDir: string, tier: Tier, cleanup: TierEnv[]) {
  const target = await makeTierEnv(tier);
  cleanup.push(target);
  Object.assign(target.env, keys);
  const result = await runCli(target.env, ['restore', '--from', backupDir, '--verify', '--json']);
  return { target, result, report: result.stdout.trim() ? JSON.parse(result.stdout) : null };
}

/** A seeded archive on `tier`, its integrity run done, backed up with its objects. */
async function seededBackup(tier: Tier, envs: TierEnv[]) {
  const source = await makeTierEnv(tier);
  envs.push(source);
  Object.assign(source.env, keys);
  const pki = createTestPki(join(source.dataDir, 'pki'));
  Object.assign(source.env, { ARKIV_INTEGRITY_SEAL_P12: pki.p12.rsa, ARKIV_INTEGRITY_SEAL_PASSPHRASE: pki.passphrase });
  await seed(source);
  // An integrity run already done: its runs, findings and sealed PDF report are part of the archive.
  const integrity = await runCli(source.env, ['integrity', 'run', '--json']);
  expect(integrity.code, integrity.stderr).toBe(0);
  const backupDir = join(source.dataDir, 'backup');
  const backup = await runCli(source.env, ['backup', '--out', backupDir, '--with-objects', '--json']);
  expect(backup.code, backup.stderr).toBe(0);
  return { source, backupDir, summary: JSON.parse(backup.stdout) as BackupSummary };
}

/** The restored copy holds the backed-up rows value for value (object version ids and fixity stamps aside). */
async function expectSameRows(source: TierEnv, target: TierEnv, summary: BackupSummary) {
  const tables = summary.tables.map((t) => t.name);
  const before = await snapshotRows(source, tables);
  const after = await snapshotRows(target, tables);
  for (const table of tables) {
    if (grownByVerify.has(table)) expect(after[table], table).toEqual(expect.arrayContaining(before[table] ?? []));
    else expect(after[table], table).toEqual(before[table]);
  }
}

describe.each(tiers)('restore drill ($name tier)', (tier) => {
  const envs: TierEnv[] = [];
  let source: TierEnv;
  let backupDir: string;
  let summary: BackupSummary;

  beforeAll(async () => {
    ({ source, backupDir, summary } = await seededBackup(tier, envs));
  }, 300_000);
  afterAll(async () => {
    for (const env of envs) await env.cleanup();
  });

  it('backs up every table and every object, with checksums and the RPO point', async () => {
    const rows = Object.fromEntries(summary.tables.map((t) => [t.name, t.rows]));
    expect(summary.organizations).toBe(2);
    expect(rows).toMatchObject({ customers: 2, orders: 2, documents: 2, document_revisions: 4, legal_hold_events: 2, integrity_runs: 2 });
    // 4 uploads per organization plus the two sealed integrity reports.
    expect(summary.objects).toMatchObject({ artifacts: 10, copied: true });
    expect(summary.objects.checkpoints).toBeGreaterThanOrEqual(2);
    expect(summary.problems).toEqual([]);
    expect(summary.rpo.newestChangeAt).not.toBeNull();
    expect(summary.rpo.ageSeconds).toBeGreaterThanOrEqual(0);
    // SHA256SUMS lists every file, in `sha256sum -c` form.
    const sums = await readFile(join(backupDir, 'SHA256SUMS'), 'utf8');
    for (const line of sums.trim().split('\n')) {
      const [hash, file] = line.split('  ') as [string, string];
      expect(
        createHash('sha256')
          .update(await readFile(join(backupDir, file)))
          .digest('hex'),
        file,
      ).toBe(hash);
    }
    expect(sums).toContain('  database/audit_entries.jsonl\n');
  });

  it('restores into a fresh database and store, and the copy verifies with nothing found', async () => {
    const { target, result, report } = await restore(backupDir, tier, envs);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(report).toMatchObject({ ok: true, verified: true, problems: [], findings: [], audit: { ok: true } });
    expect(report.integrity).toHaveLength(2);
    expect(report.restored.objects.artifacts).toBe(10);
    console.log(
      `restore drill (${tier.name}): RTO ${report.rtoSeconds} s, RPO: newest change ${report.rpo.newestChangeAt}, ${report.rpo.ageSeconds} s before the snapshot`,
    );
    expect(report.rtoSeconds).toBeGreaterThan(0);
    expect(report.rpo).toMatchObject({ newestChangeAt: summary.rpo.newestChangeAt, backupSnapshotAt: summary.snapshotAt });

    await expectSameRows(source, target, summary);

    // Every artifact reads back, by its new version, with the same SHA-256.
    await withRuntime(target, async ({ database, store }) => {
      const rows = await queryRows<{ sha256: string; storage_key: string; version_id: string | null }>(
        database.db,
        sql`select sha256, storage_key, version_id from artifacts`,
      );
      expect(rows).toHaveLength(10);
      for (const row of rows) {
        const hash = createHash('sha256');
        for await (const chunk of await store.open({ key: row.storage_key, versionId: row.version_id })) hash.update(chunk as Buffer);
        expect(hash.digest('hex')).toBe(row.sha256);
        if (tier.s3) expect(row.version_id).toBeTruthy();
      }
      const held = await queryRows<{ storage_key: string; version_id: string | null }>(
        database.db,
        sql`select storage_key, version_id from artifacts where legal_hold`,
      );
      expect(held).toHaveLength(2);
      for (const h of held) expect((await store.stat({ key: h.storage_key, versionId: h.version_id }))?.legalHold).toBe(true);
    });

    // A target that is not fresh is refused before anything is written.
    const again = await runCli(target.env, ['restore', '--from', backupDir, '--verify', '--json']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds 2 organization(s)');
  }, 300_000);

  it('names a flipped byte in a backed-up object, and the restored copy shows it missing', async () => {
    const damaged = join(source.dataDir, 'backup-flipped');
    await cp(backupDir, damaged, { recursive: true });
    const signed = createHash('sha256')
      .update(await readFile(join(fixtures, pdfs[2] as string)))
      .digest('hex');
    const path = join(damaged, 'objects', signed);
    const bytes = await readFile(path);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    await writeFile(path, bytes);

    const { result, report } = await restore(damaged, tier, envs);
    expect(result.code).toBe(1);
    expect(report.ok).toBe(false);
    const problems = report.problems as { kind: string; file: string; message: string }[];
    expect(problems.length).toBe(2); // the same PDF in both organizations
    for (const p of problems) expect(p).toMatchObject({ kind: 'backup_object_damaged', file: `objects/${signed}` });
    const findings = report.findings as { kind: string }[];
    expect(findings.map((f) => f.kind)).toContain('missing_object');
  }, 300_000);

  it('refuses a dump edited after the backup, and catches an edit that also rewrote the checksums', async () => {
    const edited = join(source.dataDir, 'backup-edited');
    await cp(backupDir, edited, { recursive: true });
    const dump = join(edited, 'database/audit_entries.jsonl');
    const lines = (await readFile(dump, 'utf8')).split('\n');
    const victim = lines.findIndex((l) => l.includes('"action":"artifact.upload"'));
    lines[victim] = (lines[victim] as string).replace('"action":"artifact.upload"', '"action":"artifact.read"');
    await writeFile(dump, lines.join('\n'));

    const refused = await restore(edited, tier, envs);
    expect(refused.result.code).toBe(1);
    expect(refused.report.problems).toEqual([
      expect.objectContaining({ kind: 'backup_file_changed', file: 'database/audit_entries.jsonl' }),
    ]);
    expect(refused.report.restored.rows).toBe(0);

    // Someone who also rewrote SHA256SUMS gets the dump in, but not past the audit chain.
    const sumsPath = join(edited, 'SHA256SUMS');
    const newHash = createHash('sha256')
      .update(await readFile(dump))
      .digest('hex');
    const sums = (await readFile(sumsPath, 'utf8')).replace(/^[0-9a-f]{64}(?= {2}database\/audit_entries\.jsonl$)/m, newHash);
    await writeFile(sumsPath, sums);
    const caught = await restore(edited, tier, envs);
    expect(caught.result.code).toBe(1);
    expect(caught.report.problems).toEqual([]);
    expect(caught.report.audit.ok).toBe(false);
    expect((caught.report.findings as { kind: string }[]).map((f) => f.kind)).toContain('audit_hash_mismatch');
  }, 300_000);
});

// Cross-mode: an embedded installation moved onto PostgreSQL and S3 Object Lock by backup and restore.
if (servicesTierOrNull) {
  const services = servicesTierOrNull;
  describe('restore drill across modes (embedded → PostgreSQL + S3)', () => {
    const envs: TierEnv[] = [];
    afterAll(async () => {
      for (const env of envs) await env.cleanup();
    });

    it('restores an embedded backup into PostgreSQL and a locked bucket, and it verifies', async () => {
      const { source, backupDir, summary } = await seededBackup({ name: 'embedded' }, envs);
      const { target, result, report } = await restore(backupDir, services, envs);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(report).toMatchObject({ ok: true, verified: true, problems: [], findings: [], audit: { ok: true } });
      console.log(`restore drill (embedded → services): RTO ${report.rtoSeconds} s, RPO age ${report.rpo.ageSeconds} s`);
      await expectSameRows(source, target, summary);
    }, 300_000);
  });
}
