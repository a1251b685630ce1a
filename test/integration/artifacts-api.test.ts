import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, sha256Hex } from '../support/http.js';
import { stepUpWithToken } from '../support/identity.js';
import { tiers } from '../support/tiers.js';

const sha = sha256Hex;
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe.each(tiers)('artifacts API ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let other: { orgId: string; token: string };

  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
    other = await t.newOrg();
  }, 60_000);
  afterAll(() => t?.cleanup());

  const upload = (token: string, body: Buffer, headers: Record<string, string> = {}, query = '') =>
    t.call(token, `/api/v1/artifacts${query}`, { method: 'POST', body, headers: { 'content-type': 'application/pdf', ...headers } });

  it('stores a file under its SHA-256, then answers 200 with the same artifact for the same bytes', async () => {
    const bytes = randomBytes(4096);
    const first = await upload(org.token, bytes);
    expect(first.status).toBe(201);
    const created = await json(first);
    expect(created.sha256).toBe(sha(bytes));
    expect(created.size).toBe(4096);
    expect(created.retention.mode).toBe('COMPLIANCE');
    expect(new Date(created.retention.retainUntil).getUTCFullYear()).toBeGreaterThanOrEqual(new Date().getUTCFullYear() + 7);
    const second = await upload(org.token, bytes);
    expect(second.status).toBe(200);
    expect((await json(second)).id).toBe(created.id);
  });

  it('applies the retention of the declared document class', async () => {
    const res = await upload(org.token, randomBytes(100), {}, '?docClass=mill_cert');
    const body = await json(res);
    const years = new Date(body.retention.retainUntil).getUTCFullYear() - new Date(body.createdAt).getUTCFullYear();
    expect(years).toBe(10);
  });

  it('verifies a declared digest and stores nothing on mismatch', async () => {
    const bytes = randomBytes(2048);
    const ok = await upload(org.token, bytes, { 'repr-digest': `sha-256=:${b64(sha(bytes))}:` });
    expect(ok.status).toBe(201);
    const other = randomBytes(2048);
    const bad = await upload(org.token, other, { 'x-checksum-sha256': sha(bytes).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('digest_mismatch');
    expect((await t.call(org.token, `/api/v1/artifacts/${sha(other)}`)).status).toBe(404);
    const spool = await readdir(t.deps.spoolDir);
    expect(spool).toEqual([]);
  });

  it('refuses uploads over the size limit with 413', async () => {
    const res = await upload(org.token, Buffer.alloc(t.deps.maxUploadBytes + 1));
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
  });

  it('serves bytes with ETag, Repr-Digest, Content-Type and Range', async () => {
    const bytes = randomBytes(10_000);
    const hash = sha(bytes);
    await upload(org.token, bytes);
    const full = await t.call(org.token, `/api/v1/artifacts/${hash}`);
    expect(full.status).toBe(200);
    expect(full.headers.get('etag')).toBe(`"${hash}"`);
    expect(full.headers.get('repr-digest')).toBe(`sha-256=:${b64(hash)}:`);
    expect(full.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await t.call(org.token, `/api/v1/artifacts/${hash}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await t.call(org.token, `/api/v1/artifacts/${hash}`, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(9990))).toBe(true);
    const beyond = await t.call(org.token, `/api/v1/artifacts/${hash}`, { headers: { range: 'bytes=20000-' } });
    expect(beyond.status).toBe(416);
    const head = await t.call(org.token, `/api/v1/artifacts/${hash}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10000');
  });

  it('answers 404 to another organization, even for bytes it knows exist', async () => {
    const bytes = randomBytes(512);
    await upload(org.token, bytes);
    const res = await t.call(other.token, `/api/v1/artifacts/${sha(bytes)}`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
    // The other organization uploading the same bytes gets its own artifact (no cross-org dedupe).
    const own = await upload(other.token, bytes);
    expect(own.status).toBe(201);
  });

  it('requires a valid token', async () => {
    const res = await t.app.request('/api/v1/artifacts/00', {});
    expect(res.status).toBe(401);
    const bad = await t.call('arkiv_not-a-token', '/api/v1/customers');
    expect(bad.status).toBe(401);
    expect((await json(bad)).error.code).toBe('unauthenticated');
  });

  it('refuses deletion while retained, audits the attempt, and keeps the bytes', async () => {
    const bytes = randomBytes(300);
    await upload(org.token, bytes);
    const res = await t.call(org.token, `/api/v1/artifacts/${sha(bytes)}`, { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('retention_locked');
    expect((await t.call(org.token, `/api/v1/artifacts/${sha(bytes)}`)).status).toBe(200);
  });

  it('lets an admin place and release a legal hold after a fresh TOTP step-up, and no one else', async () => {
    const bytes = randomBytes(300);
    await upload(org.token, bytes);
    const path = `/api/v1/artifacts/${sha(bytes)}/legal-hold`;
    const put = (token: string, on: boolean) =>
      t.call(token, path, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ on, reason: 'litigation 2026-17' }),
      });
    const admin = await issueToken(org.token, 'admin');
    const refused = await put(admin, true);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('step_up_required');
    const { auditEntries } = await import('../../archive/schema.js');
    const { and, eq } = await import('drizzle-orm');
    const denials = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.targetId, sha(bytes)), eq(auditEntries.outcome, 'denied')));
    expect(denials.map((d) => JSON.parse(d.details).reason)).toContain('step_up_required');
    await stepUpWithToken(t, admin);
    const on = await put(admin, true);
    expect(on.status).toBe(200);
    expect((await json(on)).legalHold).toBe(true);
    const del = await t.call(org.token, `/api/v1/artifacts/${sha(bytes)}`, { method: 'DELETE' });
    expect((await json(del)).error.code).toBe('legal_hold_active');
    const controller = await issueToken(org.token, 'document_controller');
    expect((await put(controller, false)).status).toBe(403);
    expect((await put(other.token, false)).status).toBe(404);
    const off = await put(admin, false);
    expect((await json(off)).legalHold).toBe(false);
  });

  it('replays an Idempotency-Key and refuses its reuse for other content', async () => {
    const bytes = randomBytes(700);
    const key = `upload-${randomBytes(4).toString('hex')}`;
    const headers = { 'idempotency-key': key, 'x-checksum-sha256': sha(bytes) };
    const a = await upload(org.token, bytes, headers);
    const b = await upload(org.token, bytes, headers);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(b)).id).toBe((await json(a)).id);
    const other = randomBytes(700);
    const c = await upload(org.token, other, { 'idempotency-key': key, 'x-checksum-sha256': sha(other) });
    expect(c.status).toBe(422);
  });

  it('records every write and read in the audit chain', async () => {
    const bytes = randomBytes(64);
    await upload(org.token, bytes);
    await t.call(org.token, `/api/v1/artifacts/${sha(bytes)}`);
    const { auditEntries } = await import('../../archive/schema.js');
    const { eq } = await import('drizzle-orm');
    const rows = await t.deps.db.select().from(auditEntries).where(eq(auditEntries.orgId, org.orgId));
    const mine = rows.filter((r) => r.targetId === sha(bytes)).map((r) => r.action);
    expect(mine).toEqual(expect.arrayContaining(['artifact.upload', 'artifact.read']));
    const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('dedupes 20 concurrent uploads of the same content into one artifact', async () => {
    const bytes = randomBytes(200_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => upload(org.token, bytes)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const ids = new Set(await Promise.all(answers.map(async (r) => (await json(r)).id)));
    expect(ids.size).toBe(1);
    if (t.deps.store.kind === 's3') {
      const versions = [];
      for await (const v of t.deps.store.listVersions(`${org.orgId}/sha256/${sha(bytes).slice(0, 2)}/`)) {
        if (v.key.endsWith(sha(bytes))) versions.push(v);
      }
      expect(versions).toHaveLength(1);
    } else {
      const dir = join(t.dataDir, 'objects', org.orgId, 'sha256', sha(bytes).slice(0, 2), sha(bytes).slice(2, 4));
      expect(await readdir(dir)).toEqual([sha(bytes)]);
    }
  });

  async function issueToken(adminToken: string, role: string): Promise<string> {
    const res = await t.call(adminToken, '/api/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: role, role, email: `${role}-${randomBytes(3).toString('hex')}@example.com` }),
    });
    expect(res.status).toBe(201);
    return (await json(res)).token;
  }
});
