import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../archive/adapters/database.js';
import { S3BlobStore } from '../../archive/adapters/s3-blob-store.js';
import { contentKey } from '../../archive/ports/blob-store.js';
import { auditEntries } from '../../archive/schema.js';
import { systemClock } from '../../core/clock.js';
import {
  bootstrapOrg,
  downloadSha256,
  type Json,
  makeTierEnv,
  runCli,
  type ServerEnv,
  type ServerProcess,
  sha256Of,
  startServerProcess,
  type TierEnv,
  upload,
} from '../support/server-process.js';
import { servicesTierOrNull } from '../support/tiers.js';

/**
 * Production runs several stateless instances against one PostgreSQL and one bucket (DESIGN.md).
 * Two real server processes, each with its own data directory (its own spool), share them here.
 */
describe.skipIf(!servicesTierOrNull)('two server processes on one PostgreSQL and one bucket (services tier)', () => {
  let t: TierEnv;
  let dirB: string;
  let envA: ServerEnv;
  let envB: ServerEnv;
  let a: ServerProcess;
  let b: ServerProcess;
  let org: { orgId: string; token: string };
  let database: Database;

  beforeAll(async () => {
    t = await makeTierEnv(servicesTierOrNull as NonNullable<typeof servicesTierOrNull>);
    dirB = await mkdtemp(join(tmpdir(), 'arkiv-proc-b-'));
    // Every instance signs audit checkpoints with the same key, as production configures it.
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    envA = { ...t.env, ARKIV_AUDIT_SIGNING_KEY: key };
    envB = { ...envA, ARKIV_DATA_DIR: dirB };
    // Both boot at once on an empty database and a missing bucket: migrations and bucket creation race.
    [a, b] = await Promise.all([startServerProcess(envA), startServerProcess(envB)]);
    org = await bootstrapOrg(envA);
    database = await openDatabase({ url: t.databaseUrl, dataDir: t.dataDir, poolSize: 2 });
  }, 180_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
    await rm(dirB ?? '', { recursive: true, force: true });
    await t?.cleanup();
  }, 120_000);

  const call = (server: ServerProcess, path: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${org.token}`, 'content-type': 'application/json', ...init.headers },
    });

  it('serves an upload made on one instance from the other, byte-identical', async () => {
    for (const [writer, reader] of [
      [a, b],
      [b, a],
    ] as const) {
      const bytes = randomBytes(3 * 1024 * 1024);
      const res = await upload(writer.baseUrl, org.token, bytes);
      expect(res.status).toBe(201);
      const got = await downloadSha256(reader.baseUrl, org.token, sha256Of(bytes));
      expect(got).toEqual({ status: 200, sha256: sha256Of(bytes), size: bytes.length });
    }
  }, 120_000);

  it('turns the same content uploaded to both at once into one artifact and one S3 version', async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => upload((i % 2 ? b : a).baseUrl, org.token, bytes)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((r) => r.json.id)).size).toBe(1);
    const store = new S3BlobStore(
      { ...(t.tier.s3 as NonNullable<typeof t.tier.s3>), bucket: t.bucket as string, allowUnlockedBucket: false, createBucket: false },
      systemClock,
    );
    await store.init();
    const key = contentKey(org.orgId, sha256Of(bytes));
    const versions = [];
    for await (const v of store.listVersions(key)) if (v.key === key) versions.push(v);
    expect(versions).toHaveLength(1);
  }, 120_000);

  it('shows a document created on one instance, and a revision added on the other, on both', async () => {
    const first = randomBytes(100_000);
    const second = randomBytes(100_000);
    expect((await upload(a.baseUrl, org.token, first)).status).toBe(201);
    expect((await upload(b.baseUrl, org.token, second)).status).toBe(201);
    const created = await call(a, '/api/v1/documents', {
      method: 'POST',
      body: JSON.stringify({ artifactSha256: sha256Of(first), docClass: 'mill_cert', title: 'Mill cert heat 4711' }),
    });
    expect(created.status).toBe(201);
    const doc: Json = await created.json();
    const onB: Json = await (await call(b, `/api/v1/documents/${doc.id}`)).json();
    expect(onB).toMatchObject({ id: doc.id, title: 'Mill cert heat 4711', currentRevision: 1 });
    const listed: Json = await (await call(b, '/api/v1/documents')).json();
    expect(listed.items.map((d: Json) => d.id)).toContain(doc.id);
    const revised = await call(b, `/api/v1/documents/${doc.id}/revisions`, {
      method: 'POST',
      body: JSON.stringify({ artifactSha256: sha256Of(second), note: 're-issued' }),
    });
    expect(revised.status).toBe(201);
    const onA: Json = await (await call(a, `/api/v1/documents/${doc.id}`)).json();
    expect(onA.currentRevision).toBe(2);
    expect(onA.revisions.map((r: Json) => r.artifactSha256)).toEqual([sha256Of(first), sha256Of(second)]);
  }, 120_000);

  it('keeps one gapless audit hash chain when both instances write and read at once', async () => {
    const bodies = Array.from({ length: 30 }, () => randomBytes(50_000));
    await Promise.all(
      bodies.map(async (body, i) => {
        const [writer, reader] = i % 2 ? [a, b] : [b, a];
        expect((await upload(writer.baseUrl, org.token, body)).status).toBe(201);
        expect((await downloadSha256(reader.baseUrl, org.token, sha256Of(body))).status).toBe(200);
      }),
    );
    const rows = await database.db.select().from(auditEntries).where(eq(auditEntries.orgId, org.orgId)).orderBy(asc(auditEntries.seq));
    expect(rows.length).toBeGreaterThan(60);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    rows.forEach((row, i) => {
      if (i > 0) expect(row.prevHash, `entry #${row.seq} links to #${i}`).toBe(rows[i - 1]?.hash);
    });
    // Signed checkpoints from the CLI, then a full recomputation of the chain against them.
    const checkpoint = await runCli(envA, ['audit', 'checkpoint']);
    expect(checkpoint.code, checkpoint.stderr).toBe(0);
    const verify = await runCli(envB, ['audit', 'verify', '--json', '--org', org.orgId]);
    expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(0);
  }, 180_000);
});
