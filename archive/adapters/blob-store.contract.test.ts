import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { type BlobStore, contentKey, type PutOptions, type SpooledFile } from '../ports/blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

// The one behaviour every BlobStore must show, run against the filesystem store always and
// against S3 Object Lock (Ceph RGW here) whenever an endpoint is configured.

const env = process.env;
const s3Endpoint = env.S3_ENDPOINT;
const servicesRequired = env.ARKIV_TEST_SERVICES === 'required';
const DAY = 86_400_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const rnd = () => randomBytes(5).toString('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
  return 'no error';
}

interface Subject {
  store: BlobStore;
  spoolDir: string;
}

/** Writes bytes to a spool file and hashes them, as archive/spool.ts does for uploads. */
async function spoolOf(dir: string, bytes: Buffer): Promise<SpooledFile> {
  const path = join(dir, `${rnd()}.part`);
  await writeFile(path, bytes, { mode: 0o600 });
  return { path, size: bytes.length, sha256: sha(bytes) };
}

function options(bytes: Buffer, days = 2, org = `org-${rnd()}`): PutOptions {
  return {
    key: contentKey(org, sha(bytes)),
    contentType: 'application/pdf',
    retention: { mode: 'COMPLIANCE', retainUntil: new Date(Date.now() + days * DAY) },
  };
}

async function putRandom(s: Subject, size = 4096, days = 2) {
  const bytes = randomBytes(size);
  const opts = options(bytes, days);
  const file = await spoolOf(s.spoolDir, bytes);
  const ref = await s.store.put(file, opts);
  return { bytes, opts, file, ref };
}

async function versionsOf(store: BlobStore, key: string) {
  const out = [];
  for await (const v of store.listVersions(key)) if (v.key === key) out.push(v);
  return out;
}

function contract(subject: () => Subject): void {
  it('returns the exact bytes that were put, and consumes the spool file', async () => {
    const s = subject();
    const { bytes, file, ref, opts } = await putRandom(s, 200_000);
    expect(ref.key).toBe(opts.key);
    const back = await readAll(await s.store.open(ref));
    expect(sha(back)).toBe(sha(bytes));
    expect(back.equals(bytes)).toBe(true);
    expect(existsSync(file.path)).toBe(false);
  });

  it('serves inclusive byte ranges', async () => {
    const s = subject();
    const { bytes, ref } = await putRandom(s, 1000);
    expect((await readAll(await s.store.open(ref, { start: 0, end: 0 }))).equals(bytes.subarray(0, 1))).toBe(true);
    expect((await readAll(await s.store.open(ref, { start: 3, end: 9 }))).equals(bytes.subarray(3, 10))).toBe(true);
    expect((await readAll(await s.store.open(ref, { start: 999, end: 999 }))).equals(bytes.subarray(999))).toBe(true);
  });

  it('keeps one version when the same content is put twice', async () => {
    const s = subject();
    const { bytes, opts, ref } = await putRandom(s);
    const again = await spoolOf(s.spoolDir, bytes);
    const second = await s.store.put(again, opts);
    expect(second).toEqual(ref);
    expect(existsSync(again.path)).toBe(false);
    const versions = await versionsOf(s.store, opts.key);
    expect(versions.filter((v) => !v.isDeleteMarker)).toHaveLength(1);
  });

  it('stores small buffers with putBytes under the same locking rules', async () => {
    const s = subject();
    const bytes = Buffer.from(`{"seq":${Date.now()},"hash":"${rnd()}"}`);
    const opts = options(bytes);
    const ref = await s.store.putBytes(bytes, opts);
    expect((await readAll(await s.store.open(ref))).equals(bytes)).toBe(true);
    const info = await s.store.stat(ref);
    expect(info?.retention?.retainUntil.getTime()).toBeGreaterThanOrEqual(opts.retention.retainUntil.getTime());
  });

  it('reports size and a retention at least as long as requested', async () => {
    const s = subject();
    const { ref, opts } = await putRandom(s, 777);
    const info = await s.store.stat(ref);
    expect(info?.size).toBe(777);
    expect(info?.legalHold).toBe(false);
    expect(info?.retention?.mode).toBe('COMPLIANCE');
    expect(info?.retention?.retainUntil.getTime()).toBeGreaterThanOrEqual(opts.retention.retainUntil.getTime());
    expect(await s.store.stat({ key: `${opts.key}-missing`, versionId: null })).toBeNull();
    expect(await codeOf(s.store.open({ key: `${opts.key}-missing`, versionId: null }))).toBe('not_found');
  });

  it('refuses to delete before retain-until, and the object survives', async () => {
    const s = subject();
    const { ref, bytes } = await putRandom(s);
    expect(await codeOf(s.store.delete(ref))).toBe('retention_locked');
    expect((await readAll(await s.store.open(ref))).equals(bytes)).toBe(true);
  });

  it('refuses to delete under legal hold, and releases the hold', async () => {
    const s = subject();
    const { ref } = await putRandom(s);
    await s.store.setLegalHold(ref, true);
    expect((await s.store.stat(ref))?.legalHold).toBe(true);
    expect(await codeOf(s.store.delete(ref))).toBe('legal_hold_active');
    await s.store.setLegalHold(ref, false);
    expect((await s.store.stat(ref))?.legalHold).toBe(false);
    expect(await codeOf(s.store.delete(ref))).toBe('retention_locked');
  });

  it('extends retention but never shortens it', async () => {
    const s = subject();
    const { ref } = await putRandom(s);
    const later = new Date(Date.now() + 5 * DAY);
    await s.store.extendRetention(ref, { mode: 'COMPLIANCE', retainUntil: later });
    await s.store.extendRetention(ref, { mode: 'COMPLIANCE', retainUntil: new Date(Date.now() + 3 * DAY) });
    await s.store.extendRetention(ref, { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 4 * DAY) });
    const info = await s.store.stat(ref);
    expect(info?.retention?.mode).toBe('COMPLIANCE');
    expect(info?.retention?.retainUntil.getTime()).toBeGreaterThanOrEqual(later.getTime());
  });

  it('lists what is stored under a prefix', async () => {
    const s = subject();
    const org = `org-${rnd()}`;
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = randomBytes(100 + i);
      const opts = options(bytes, 2, org);
      await s.store.put(await spoolOf(s.spoolDir, bytes), opts);
      keys.push(opts.key);
    }
    const listed = [];
    for await (const v of s.store.listVersions(`${org}/`)) listed.push(v);
    expect(listed.map((v) => v.key).sort()).toEqual(keys.sort());
    expect(listed.every((v) => !v.isDeleteMarker && v.isLatest && v.size >= 100)).toBe(true);
    if (s.store.kind === 's3') expect(listed.every((v) => typeof v.versionId === 'string')).toBe(true);
  });
}

describe('FsBlobStore', { timeout: 30_000 }, () => {
  let subject: Subject;
  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'arkiv-blob-'));
    const store = new FsBlobStore(root, systemClock);
    await store.init();
    subject = { store, spoolDir: root };
  });
  contract(() => subject);
});

if (!s3Endpoint && servicesRequired) {
  describe('S3BlobStore', () => {
    it('has an S3 endpoint to test against', () => {
      throw new Error('ARKIV_TEST_SERVICES=required but S3_ENDPOINT is not set');
    });
  });
}

describe.skipIf(!s3Endpoint)('S3BlobStore', { timeout: 60_000 }, () => {
  const settings = (bucket: string, extra: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions => ({
    endPoint: s3Endpoint ?? '',
    region: env.S3_REGION ?? 'us-east-1',
    bucket,
    accessKey: env.S3_ACCESS_KEY_ID ?? '',
    secretKey: env.S3_SECRET_ACCESS_KEY ?? '',
    forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    allowUnlockedBucket: false,
    createBucket: false,
    ...extra,
  });
  let subject: Subject;
  let raw: Client;
  let bucket: string;

  beforeAll(async () => {
    bucket = `arkiv-test-${rnd()}`;
    const store = new S3BlobStore(settings(bucket, { createBucket: true }), systemClock);
    await store.init();
    const url = new URL(s3Endpoint ?? '');
    const cfg = settings(bucket);
    raw = new Client({
      endPoint: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      useSSL: url.protocol === 'https:',
      region: cfg.region,
      accessKey: cfg.accessKey,
      secretKey: cfg.secretKey,
      pathStyle: cfg.forcePathStyle,
    });
    subject = { store, spoolDir: await mkdtemp(join(tmpdir(), 'arkiv-s3-spool-')) };
  });

  contract(() => subject);

  it('lists more than one page of versions under keys with slashes', async () => {
    // ListObjectVersions pages at 1,000 entries; the second page needs correctly escaped markers.
    const prefix = `org-${rnd()}/ab/`;
    const keys = Array.from({ length: 1050 }, (_, i) => `${prefix}${String(i).padStart(4, '0')}/x`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => raw.putObject(bucket, key, Buffer.from(key))));
    }
    const listed = new Set<string>();
    for await (const v of subject.store.listVersions(prefix)) listed.add(v.key);
    expect(listed.size).toBe(keys.length);
  });

  it('creates the bucket with Object Lock and a default COMPLIANCE retention', async () => {
    expect(await (raw.getObjectLockConfig(bucket) as unknown as Promise<unknown>)).toMatchObject({
      objectLockEnabled: 'Enabled',
      mode: 'COMPLIANCE',
    });
    expect(await raw.getBucketVersioning(bucket)).toMatchObject({ Status: 'Enabled' });
  });

  it('locks the stored version at the storage itself, not only in Arkiv', async () => {
    const { ref, opts } = await putRandom(subject);
    expect(ref.versionId).toBeTruthy();
    const retention = await raw.getObjectRetention(bucket, ref.key, { versionId: ref.versionId ?? '' });
    expect(retention?.mode).toBe('COMPLIANCE');
    expect(new Date(retention?.retainUntilDate ?? 0).getTime()).toBeGreaterThanOrEqual(opts.retention.retainUntil.getTime());
    await expect(raw.removeObject(bucket, ref.key, { versionId: ref.versionId ?? '' })).rejects.toMatchObject({
      code: 'AccessDenied',
    });
    expect((await raw.statObject(bucket, ref.key, { versionId: ref.versionId ?? '' })).size).toBe(4096);
  });

  it('adopts a version left by an upload that crashed before the database commit', async () => {
    const bytes = randomBytes(3000);
    const opts = options(bytes);
    const orphan = await raw.putObject(bucket, opts.key, bytes, bytes.length);
    const ref = await subject.store.put(await spoolOf(subject.spoolDir, bytes), opts);
    expect(ref.versionId).toBe(orphan.versionId);
    expect(await versionsOf(subject.store, opts.key)).toHaveLength(1);
    const info = await subject.store.stat(ref);
    expect(info?.retention?.retainUntil.getTime()).toBeGreaterThanOrEqual(opts.retention.retainUntil.getTime());
  });

  it('does not adopt a version whose bytes do not match the content address', async () => {
    const bytes = randomBytes(3000);
    const opts = options(bytes);
    const forged = Buffer.from(bytes);
    forged[0] = (forged[0] ?? 0) ^ 0xff;
    const bad = await raw.putObject(bucket, opts.key, forged, forged.length);
    const ref = await subject.store.put(await spoolOf(subject.spoolDir, bytes), opts);
    expect(ref.versionId).not.toBe(bad.versionId);
    expect(sha(await readAll(await subject.store.open(ref)))).toBe(sha(bytes));
  });

  it('fails with store_integrity_failure when the stored bytes do not hash to the claimed digest', async () => {
    const bytes = randomBytes(500);
    const file = await spoolOf(subject.spoolDir, bytes);
    const lie = { ...file, sha256: sha(Buffer.from('something else')) };
    expect(await codeOf(subject.store.put(lie, { ...options(bytes), key: contentKey('org-x', lie.sha256) }))).toBe(
      'store_integrity_failure',
    );
  });

  it('refuses a bucket without Object Lock unless it is declared a dev bucket', async () => {
    const plain = `arkiv-test-${rnd()}`;
    await raw.makeBucket(plain, settings(plain).region);
    expect(await codeOf(new S3BlobStore(settings(plain), systemClock).init())).toBe('store_unavailable');
    const warnings: string[] = [];
    const dev = new S3BlobStore(
      settings(plain, { allowUnlockedBucket: true, logger: { warn: (_o, msg) => warnings.push(msg) } }),
      systemClock,
    );
    await dev.init();
    expect(warnings.join('\n')).toMatch(/Object Lock is not enabled/);
    const bytes = randomBytes(64);
    const ref = await dev.putBytes(bytes, options(bytes));
    expect((await readAll(await dev.open(ref))).equals(bytes)).toBe(true);
  });
});

describe('S3BlobStore without a working endpoint', () => {
  const settings = (endPoint: string): S3BlobStoreOptions => ({
    endPoint,
    region: 'us-east-1',
    bucket: 'arkiv-test-none',
    accessKey: 'k',
    secretKey: 's',
    forcePathStyle: true,
    allowUnlockedBucket: false,
    createBucket: false,
    requestTimeoutMs: 300,
  });

  it('reports an unreachable endpoint as store_unavailable', async () => {
    const down = new S3BlobStore(settings('http://127.0.0.1:1'), systemClock);
    expect(await codeOf(down.ping())).toBe('store_unavailable');
  });

  it('gives up on an endpoint that accepts requests and never answers', async () => {
    // What RGW does when the Ceph cluster is full: the request is accepted and left hanging.
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const hung = new S3BlobStore(settings(`http://127.0.0.1:${port}`), systemClock);
      expect(await codeOf(hung.ping())).toBe('store_unavailable');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
