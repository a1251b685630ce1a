import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../archive/adapters/database.js';
import { S3BlobStore } from '../../archive/adapters/s3-blob-store.js';
import { contentKey } from '../../archive/ports/blob-store.js';
import { artifacts } from '../../archive/schema.js';
import { systemClock } from '../../core/clock.js';
import {
  bootstrapOrg,
  downloadSha256,
  makeTierEnv,
  runCli,
  type ServerProcess,
  sha256Of,
  startServerProcess,
  type TierEnv,
  upload,
} from '../support/server-process.js';
import { tiers } from '../support/tiers.js';

const MiB = 1024 ** 2;
const UPLOADS = 50;
const KILL_AFTER_ANSWERS = 20;
const CONTENT_KEY = /^[^/]+\/sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([^/]+)$/;

interface StoredObject {
  key: string;
  versionId: string | null;
  sha256: string;
}

describe.each(tiers)('kill -9 during 50 concurrent uploads ($name tier)', (tier) => {
  let t: TierEnv;
  let server: ServerProcess | undefined;
  let org: { orgId: string; token: string };

  beforeAll(async () => {
    t = await makeTierEnv(tier);
    org = await bootstrapOrg(t.env);
    server = await startServerProcess(t.env);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await t?.cleanup();
  }, 120_000);

  it('loses no answered upload, stores no partial object, and accepts every upload again after restart', async () => {
    const bodies = Array.from({ length: UPLOADS }, () => randomBytes(2 * MiB + randomInt(6 * MiB)));
    const hashes = bodies.map(sha256Of);
    const expected = new Map(hashes.map((h, i) => [h, bodies[i]?.length]));

    // --- the crash ---
    const running = server as ServerProcess;
    const answered = new Set<string>();
    let killed: Promise<void> | undefined;
    const outcomes = await Promise.allSettled(
      bodies.map(async (body, i) => {
        const res = await upload(running.baseUrl, org.token, body);
        expect(res.status, JSON.stringify(res.json)).toBe(201);
        expect(res.json.sha256).toBe(hashes[i]);
        answered.add(hashes[i] as string);
        if (answered.size === KILL_AFTER_ANSWERS) killed = running.kill('SIGKILL');
      }),
    );
    await killed;
    const lost = outcomes.filter((o) => o.status === 'rejected').length;
    const failedAssertions = outcomes.flatMap((o) => (o.status === 'rejected' && o.reason?.name === 'AssertionError' ? [o.reason] : []));
    expect(failedAssertions).toEqual([]);
    console.info(`[${tier.name}] answered before kill -9: ${answered.size}, cut off: ${lost}`);
    expect(answered.size).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS);
    expect(lost, 'the kill must land while uploads are still in flight').toBeGreaterThan(0);

    // --- restart on the same data: the server itself recovers (stale PGlite lock, crashed database) ---
    server = await startServerProcess(t.env);
    // PGlite allows one process: read the database directly while the server is down.
    await server.stop();
    expect(server.exitCode, `graceful stop after recovery:\n${server.output()}`).toBe(0);
    const rows = await artifactRows(t, org.orgId);
    const verify = await runCli(t.env, ['audit', 'verify', '--json']);
    expect(verify.code, `audit verify after the crash:\n${verify.stdout}\n${verify.stderr}`).toBe(0);
    server = await startServerProcess(t.env);
    const api = server;

    // Every upload answered 201 survived the crash.
    const stored = new Set(rows.map((r) => r.sha256));
    expect(
      [...answered].filter((h) => !stored.has(h)),
      'answered uploads missing after the crash',
    ).toEqual([]);
    // Every row is one of ours, points at its content key, and its bytes hash to its name.
    for (const row of rows) {
      expect(expected.get(row.sha256), `unexpected artifact ${row.sha256}`).toBe(row.size);
      expect(row.storageKey).toBe(contentKey(org.orgId, row.sha256));
      const got = await downloadSha256(api.baseUrl, org.token, row.sha256);
      expect({ status: got.status, sha256: got.sha256, size: got.size }).toEqual({ status: 200, sha256: row.sha256, size: row.size });
    }
    // Nothing in the store under a content key holds bytes other than the ones it is named by.
    const before = await storedObjects(t, org.orgId);
    expect(
      before.filter((o) => !isIntact(o)),
      'partial or foreign objects under content keys',
    ).toEqual([]);
    console.info(`[${tier.name}] after restart: ${rows.length} artifact rows, ${before.length} stored objects`);

    // --- every upload, retried, succeeds; the answered ones are deduplicated ---
    const retries = await Promise.all(bodies.map((body) => upload(api.baseUrl, org.token, body)));
    retries.forEach((res, i) => {
      const sha = hashes[i] as string;
      expect([200, 201], `retry of ${sha}: ${JSON.stringify(res.json)}`).toContain(res.status);
      expect(res.json.sha256).toBe(sha);
      if (answered.has(sha)) expect(res.status, `retry of an upload answered before the crash (${sha})`).toBe(200);
    });
    for (const sha of hashes) {
      const got = await downloadSha256(api.baseUrl, org.token, sha);
      expect({ status: got.status, sha256: got.sha256 }).toEqual({ status: 200, sha256: sha });
    }
    const after = await storedObjects(t, org.orgId);
    expect(after.filter((o) => !isIntact(o))).toEqual([]);
    // One object (one S3 version) per content, crash or not: orphans are adopted, never duplicated.
    expect(after.map((o) => o.sha256).sort()).toEqual([...hashes].sort());
  }, 300_000);
});

function isIntact(o: StoredObject): boolean {
  const m = CONTENT_KEY.exec(o.key);
  return !!m && m[3] === o.sha256 && o.sha256.startsWith(`${m[1]}${m[2]}`);
}

async function artifactRows(t: TierEnv, orgId: string) {
  const database = await openDatabase({ url: t.databaseUrl, dataDir: t.dataDir });
  try {
    const rows = await database.db.select().from(artifacts);
    expect(rows.every((r) => r.orgId === orgId)).toBe(true);
    return rows;
  } finally {
    await database.close();
  }
}

/** Every object (every S3 version) under the organization's content keys, re-hashed. */
async function storedObjects(t: TierEnv, orgId: string): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  if (!t.tier.s3) {
    const root = join(t.dataDir, 'objects');
    for await (const path of walk(join(root, orgId, 'sha256'))) {
      found.push({ key: relative(root, path).split(sep).join('/'), versionId: null, sha256: await hashStream(createReadStream(path)) });
    }
    return found;
  }
  const store = new S3BlobStore({ ...t.tier.s3, bucket: t.bucket as string, allowUnlockedBucket: false, createBucket: false }, systemClock);
  await store.init();
  for await (const v of store.listVersions(`${orgId}/sha256/`)) {
    expect(v.isDeleteMarker, `delete marker on ${v.key}`).toBe(false);
    found.push({ key: v.key, versionId: v.versionId, sha256: await hashStream(await store.open(v)) });
  }
  return found;
}

async function hashStream(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

async function* walk(dir: string): AsyncIterable<string> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
