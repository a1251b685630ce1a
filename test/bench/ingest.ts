/**
 * Ingest benchmark: real `arkiv serve` processes on every store available here.
 *   (a) one 1 GiB upload: throughput and peak server RSS;
 *   (b) 2,000 distinct 100 KiB uploads from 16 concurrent clients: uploads/s, p50/p95, peak RSS;
 * beside `openssl dgst -sha256` on the same 1 GiB file, measured in the same run (the floor: every
 * upload is hashed at least once). Run: node --import tsx test/bench/ingest.ts
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapOrg,
  fileStream,
  makeTierEnv,
  sampleRss,
  startServerProcess,
  upload,
  writePseudoRandomFile,
} from '../support/server-process.js';
import { type Tier, tiers } from '../support/tiers.js';

const MiB = 1024 ** 2;
const BIG = 1024 * MiB;
const SMALL = 100 * 1024;
const SMALL_COUNT = 2000;
const CLIENTS = 16;

interface Row {
  store: string;
  bigMiBs: number;
  bigPeakRss: number;
  idleRss: number;
  smallPerSec: number;
  p50: number;
  p95: number;
  smallPeakRss: number;
}

const dir = await mkdtemp(join(tmpdir(), 'arkiv-bench-'));
try {
  const path = join(dir, 'one-gib.bin');
  const sha256 = await writePseudoRandomFile(path, BIG);
  const openssl = opensslSha256(path, sha256);
  const rows: Row[] = [];
  // Each object store, and the database modes: PGlite (embedded), PostgreSQL + filesystem, PostgreSQL + S3.
  const variants: Tier[] = tiers.flatMap((tier) =>
    tier.name === 'embedded' ? [tier] : [{ name: 'services', databaseUrl: tier.databaseUrl as string }, tier],
  );
  for (const tier of variants) rows.push(await benchTier(tier, path, sha256));
  print(openssl, rows);
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Best of two runs (the file is in the page cache after the first). */
function opensslSha256(path: string, expected: string): { seconds: number; version: string } {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    const run = spawnSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0 || !run.stdout.startsWith(expected)) throw new Error(`openssl dgst failed: ${run.stderr || run.stdout}`);
    best = Math.min(best, seconds);
  }
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();
  return { seconds: best, version };
}

async function benchTier(tier: Tier, path: string, sha256: string): Promise<Row> {
  const t = await makeTierEnv(tier);
  const { token } = await bootstrapOrg(t.env);
  const server = await startServerProcess(t.env);
  try {
    const idleRss = server.rssBytes();
    // (a) one 1 GiB upload
    let rss = sampleRss(server);
    let started = performance.now();
    const big = await upload(server.baseUrl, token, fileStream(path), { 'content-type': 'application/octet-stream' });
    const bigSeconds = (performance.now() - started) / 1000;
    const bigPeakRss = rss.stop().peakBytes;
    if (big.status !== 201 || big.json?.sha256 !== sha256)
      throw new Error(`1 GiB upload failed: ${big.status} ${JSON.stringify(big.json)}`);

    // (b) many small distinct uploads; bodies are made beforehand so the client costs nothing
    const bodies = Array.from({ length: SMALL_COUNT }, () => randomBytes(SMALL));
    const latencies: number[] = [];
    let next = 0;
    rss = sampleRss(server);
    started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < bodies.length; i = next++) {
          const begun = performance.now();
          const res = await upload(server.baseUrl, token, bodies[i] as Buffer);
          latencies.push(performance.now() - begun);
          if (res.status !== 201) throw new Error(`upload ${i} failed: ${res.status} ${JSON.stringify(res.json)}`);
        }
      }),
    );
    const smallSeconds = (performance.now() - started) / 1000;
    const smallPeakRss = rss.stop().peakBytes;
    latencies.sort((x, y) => x - y);
    return {
      store: tier.name === 'embedded' ? 'embedded (PGlite + filesystem)' : tier.s3 ? 'PostgreSQL + Ceph RGW S3' : 'PostgreSQL + filesystem',
      bigMiBs: BIG / MiB / bigSeconds,
      bigPeakRss,
      idleRss,
      smallPerSec: SMALL_COUNT / smallSeconds,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      smallPeakRss,
    };
  } finally {
    await server.stop();
    await t.cleanup();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function print(openssl: { seconds: number; version: string }, rows: Row[]): void {
  const opensslMiBs = BIG / MiB / openssl.seconds;
  const mib = (b: number) => (b / MiB).toFixed(0);
  const table = [
    [
      'store',
      'idle RSS MiB',
      '(a) MiB/s',
      '(a) / openssl',
      '(a) peak RSS MiB',
      '(b) uploads/s',
      '(b) p50 ms',
      '(b) p95 ms',
      '(b) peak RSS MiB',
    ],
    ...rows.map((r) => [
      r.store,
      mib(r.idleRss),
      r.bigMiBs.toFixed(0),
      `${(r.bigMiBs / opensslMiBs).toFixed(3)}×`,
      mib(r.bigPeakRss),
      r.smallPerSec.toFixed(0),
      r.p50.toFixed(1),
      r.p95.toFixed(1),
      mib(r.smallPeakRss),
    ]),
  ];
  const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length))) ?? [];
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join(' | ');
  const skipped = tiers.some((t) => t.name === 'services')
    ? ''
    : '\n(services store skipped: set DATABASE_URL and S3_ENDPOINT to include it)';
  console.log(
    [
      '',
      `Arkiv ingest benchmark — node ${process.version}, ${cpus().length} CPUs, ${new Date().toISOString()}`,
      `reference: ${openssl.version}, dgst -sha256 of the same 1 GiB file: ${opensslMiBs.toFixed(0)} MiB/s (${openssl.seconds.toFixed(2)} s, best of 2)`,
      `(a) one 1 GiB upload, streamed (chunked)   (b) ${SMALL_COUNT} distinct ${SMALL / 1024} KiB uploads from ${CLIENTS} concurrent clients`,
      'RSS: the server process (VmRSS sampled every 100 ms)',
      '',
      line(table[0] ?? []),
      widths.map((w) => '-'.repeat(w)).join('-|-'),
      ...table.slice(1).map(line),
      skipped,
    ].join('\n'),
  );
}
