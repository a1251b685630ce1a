import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapOrg,
  downloadSha256,
  fileStream,
  makeTierEnv,
  type ServerProcess,
  sampleRss,
  startServerProcess,
  type TierEnv,
  upload,
  writePseudoRandomFile,
} from '../support/server-process.js';
import { type Tier, tiers } from '../support/tiers.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** The whole server process, at its peak, while it moves 1 GiB each way. */
const RSS_LIMIT = 200 * MiB;
/** Uploads and downloads stream: the server's memory must not grow with the file. */
const GROWTH_LIMIT = 100 * MiB;

let fileDir: string;
let filePath: string;
let fileSha256: string;

beforeAll(async () => {
  fileDir = await mkdtemp(join(tmpdir(), 'arkiv-large-'));
  filePath = join(fileDir, 'one-gib.bin');
  fileSha256 = await writePseudoRandomFile(filePath, GiB);
}, 300_000);
afterAll(() => rm(fileDir, { recursive: true, force: true }));

/**
 * The upload path must not buffer. Measured per object store: with PostgreSQL as the database the
 * whole server stays under 200 MiB. The embedded tier's PGlite alone holds ~350 MiB (a WASM heap
 * sized for its fixed 128 MB shared_buffers), so there only the growth caused by the transfer is
 * bounded.
 */
interface Variant {
  label: string;
  tier: Tier;
  absoluteLimit: boolean;
}
const variants: Variant[] = tiers.flatMap((tier): Variant[] =>
  tier.name === 'embedded'
    ? [{ label: 'PGlite + filesystem store', tier, absoluteLimit: false }]
    : [
        {
          label: 'PostgreSQL + filesystem store',
          tier: { name: 'services', databaseUrl: tier.databaseUrl as string },
          absoluteLimit: true,
        },
        { label: 'PostgreSQL + Ceph RGW S3 store', tier, absoluteLimit: true },
      ],
);

describe.each(variants)('a 1 GiB file through a real server process ($label)', ({ tier, absoluteLimit }) => {
  let t: TierEnv;
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    t = await makeTierEnv(tier);
    ({ token } = await bootstrapOrg(t.env));
    server = await startServerProcess(t.env);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await t?.cleanup();
  }, 120_000);

  it('stores it under its SHA-256 and returns it byte-identical, with server RSS flat and under 200 MiB', async () => {
    const idle = server.rssBytes();
    const up = sampleRss(server);
    const started = performance.now();
    const res = await upload(server.baseUrl, token, fileStream(filePath), { 'content-type': 'application/octet-stream' });
    const upSeconds = (performance.now() - started) / 1000;
    const upRss = up.stop();
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json.sha256).toBe(fileSha256);
    expect(res.json.size).toBe(GiB);

    const down = sampleRss(server);
    const downStarted = performance.now();
    const got = await downloadSha256(server.baseUrl, token, fileSha256);
    const downSeconds = (performance.now() - downStarted) / 1000;
    const downRss = down.stop();
    expect(got.status).toBe(200);
    expect(got.size).toBe(GiB);
    expect(got.sha256).toBe(fileSha256);

    console.info(
      `[${tier.name}] 1 GiB upload ${(1024 / upSeconds).toFixed(0)} MiB/s, peak RSS ${mib(upRss.peakBytes)} MiB (${upRss.samples} samples); ` +
        `download ${(1024 / downSeconds).toFixed(0)} MiB/s, peak RSS ${mib(downRss.peakBytes)} MiB; idle RSS ${mib(idle)} MiB`,
    );
    // Soft: every memory figure is reported, not only the first one over its limit.
    expect.soft(upRss.peakBytes - idle, 'RSS growth over idle during the upload').toBeLessThan(GROWTH_LIMIT);
    expect.soft(downRss.peakBytes - idle, 'RSS growth over idle during the download').toBeLessThan(GROWTH_LIMIT);
    if (absoluteLimit) {
      expect.soft(upRss.peakBytes, 'peak server RSS during the upload').toBeLessThan(RSS_LIMIT);
      expect.soft(downRss.peakBytes, 'peak server RSS during the download').toBeLessThan(RSS_LIMIT);
    }
  }, 300_000);
});

const mib = (bytes: number) => (bytes / MiB).toFixed(0);
