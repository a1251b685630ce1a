import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bootstrapOrg,
  makeTierEnv,
  type ServerProcess,
  sha256Of,
  startServerProcess,
  type TierEnv,
  upload,
} from '../support/server-process.js';
import { tiers } from '../support/tiers.js';

const embedded = tiers[0] as (typeof tiers)[number];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A body that arrives in pieces, so the upload is still in flight when the signal comes. */
function slowBody(parts: Buffer[], gapMs: number) {
  const body = new PassThrough();
  void (async () => {
    for (const part of parts) {
      body.write(part);
      await sleep(gapMs);
    }
    body.end();
  })();
  return body;
}

describe('graceful shutdown (embedded tier, real process)', () => {
  let t: TierEnv;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    await t?.cleanup();
  });

  it('lets an upload in flight finish on SIGTERM, then exits cleanly', async () => {
    t = await makeTierEnv(embedded);
    const { token } = await bootstrapOrg(t.env);
    server = await startServerProcess({ ...t.env, ARKIV_SHUTDOWN_GRACE_MS: '20000' });
    const parts = Array.from({ length: 10 }, () => randomBytes(256 * 1024));
    const pending = upload(server.baseUrl, token, slowBody(parts, 200));
    await sleep(700);
    await server.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(201);
    expect(res.json.sha256).toBe(sha256Of(Buffer.concat(parts)));
    expect(server.exitCode).toBe(0);
  }, 120_000);

  it('aborts an upload that outlasts the grace period and keeps nothing of it', async () => {
    t = await makeTierEnv(embedded);
    const { token } = await bootstrapOrg(t.env);
    server = await startServerProcess({ ...t.env, ARKIV_SHUTDOWN_GRACE_MS: '500' });
    const parts = Array.from({ length: 40 }, () => randomBytes(64 * 1024));
    const pending = upload(server.baseUrl, token, slowBody(parts, 250)).catch((err: unknown) => ({ status: 0, json: null, err }));
    await sleep(600);
    await server.kill('SIGTERM');
    const res = await pending;
    expect(res.status).not.toBe(201);
    expect(server.exitCode).toBe(0);
    expect(await readdir(join(t.dataDir, 'spool'))).toEqual([]);
    const objects = await readdir(join(t.dataDir, 'objects')).catch(() => []);
    // The only objects may be audit checkpoints written at shutdown; no content object exists.
    for (const org of objects) {
      expect(await readdir(join(t.dataDir, 'objects', org))).not.toContain('sha256');
    }
  }, 120_000);
});
