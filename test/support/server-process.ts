import { type ChildProcess, spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { freshPostgresDatabase, uniqueName } from './fixtures.js';
import type { Tier } from './tiers.js';

/**
 * Real `arkiv` processes for process-level tests and benchmarks: what an operator runs, with its
 * own heap, sockets and signals, so memory, crashes and several instances can be observed.
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repoRoot, 'bin', 'arkiv.mjs');

export type ServerEnv = Record<string, string>;

/** The flags `npm start` and the bin's shebang run with (see bin/arkiv.mjs); benches that run server code in process use them too. */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** Servers still running when the test process exits (a crashed or interrupted run) go with it. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Only what a process needs from ours: the test runner's own DATABASE_URL/S3_* must not leak in. */
function childEnv(env: ServerEnv): NodeJS.ProcessEnv {
  const inherited = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []));
  return { ...Object.fromEntries(inherited), LOG_LEVEL: 'info', ...env };
}

export interface ServerProcess {
  baseUrl: string;
  port: number;
  pid: number;
  /** Resident set size of the server process now (VmRSS), in bytes; 0 once it has exited. */
  rssBytes(): number;
  /** The kernel's high-water mark of the resident set since the process started (VmHWM). */
  peakRssBytes(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  readonly exitCode: number | null;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
}

/** Starts `node bin/arkiv.mjs serve` on a free port and resolves once /readyz answers 200. */
export async function startServerProcess(env: ServerEnv, options: { readyTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, bin, 'serve'], {
    cwd: repoRoot,
    env: childEnv({ HOST: '127.0.0.1', PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
  };
  // Both pipes are drained for the whole life of the process: a full pipe would stall its logger.
  createInterface({ input: child.stderr as Readable }).on('line', keep);
  live.add(child);
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      live.delete(child);
      done();
    }),
  );
  try {
    return await attach(child, exited, lines, keep, options.readyTimeoutMs ?? 90_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
}

async function attach(
  child: ChildProcess,
  exited: Promise<void>,
  lines: string[],
  keep: (line: string) => void,
  readyTimeoutMs: number,
): Promise<ServerProcess> {
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not log 'arkiv listening' in time:\n${lines.join('\n')}`)), readyTimeoutMs);
    createInterface({ input: child.stdout as Readable }).on('line', (line) => {
      keep(line);
      const entry = parseJson(line);
      if (entry?.msg === 'arkiv listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolvePort(entry.port);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${lines.join('\n')}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const pid = child.pid as number;
  await waitReady(baseUrl, child, lines, readyTimeoutMs);
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    baseUrl,
    port,
    pid,
    rssBytes: () => procStatusBytes(pid, 'VmRSS'),
    peakRssBytes: () => procStatusBytes(pid, 'VmHWM'),
    kill,
    async stop(graceMs = 40_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    get exitCode() {
      return child.exitCode;
    },
    output: () => lines.join('\n'),
  };
}

async function waitReady(baseUrl: string, child: ChildProcess, lines: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited while starting:\n${lines.join('\n')}`);
    const res = await fetch(`${baseUrl}/readyz`).catch(() => null);
    await res?.body?.cancel();
    if (res?.status === 200) return;
    await sleep(100);
  }
  throw new Error(`server not ready within ${timeoutMs} ms:\n${lines.join('\n')}`);
}

function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // gone
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; reports the peak seen. */
export function sampleRss(server: Pick<ServerProcess, 'rssBytes'>, intervalMs = 100) {
  let peak = server.rssBytes();
  let samples = 1;
  const timer = setInterval(() => {
    peak = Math.max(peak, server.rssBytes());
    samples++;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, server.rssBytes());
      return { peakBytes: peak, samples: samples + 1 };
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/arkiv.mjs ...args` to completion. */
export async function runCli(env: ServerEnv, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, bin, ...args], {
    cwd: repoRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** `arkiv bootstrap`: a new organization and its admin token. Embedded: run it before `serve`. */
export async function bootstrapOrg(env: ServerEnv, org = uniqueName('org-'), email = 'admin@example.com') {
  const result = await runCli(env, ['bootstrap', '--org', org, '--email', email]);
  const last = result.stdout.trim().split('\n').pop() ?? '';
  const parsed = parseJson(last);
  if (result.code !== 0 || typeof parsed?.orgId !== 'string' || typeof parsed.token !== 'string') {
    throw new Error(`arkiv bootstrap failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { orgId: parsed.orgId, token: parsed.token };
}

export interface TierEnv {
  tier: Tier;
  /** The environment of a server process for this tier (no PORT/HOST: startServerProcess sets them). */
  env: ServerEnv;
  dataDir: string;
  databaseUrl?: string;
  bucket?: string;
  /** Removes the data directory and drops the database. Locked S3 objects cannot be removed. */
  cleanup(): Promise<void>;
}

/**
 * Settings for server processes of one tier, private to the caller: embedded gets only a fresh
 * data directory; services gets a fresh PostgreSQL database and a fresh Object-Lock bucket too.
 */
export async function makeTierEnv(tier: Tier): Promise<TierEnv> {
  const dataDir = await mkdtemp(join(tmpdir(), 'arkiv-proc-'));
  if (!tier.databaseUrl) {
    return { tier, env: { ARKIV_DATA_DIR: dataDir }, dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const serverUrl = tier.databaseUrl;
  const databaseUrl = await freshPostgresDatabase(serverUrl);
  // A tier without S3 settings is PostgreSQL + the filesystem store.
  const bucket = tier.s3 ? uniqueName('arkiv-proc-') : undefined;
  const env: ServerEnv = {
    ARKIV_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ...(tier.s3
      ? {
          S3_ENDPOINT: tier.s3.endPoint,
          S3_REGION: tier.s3.region,
          S3_BUCKET: bucket,
          S3_ACCESS_KEY_ID: tier.s3.accessKey,
          S3_SECRET_ACCESS_KEY: tier.s3.secretKey,
          S3_FORCE_PATH_STYLE: String(tier.s3.forcePathStyle),
          S3_CREATE_BUCKET: 'true',
        }
      : {}),
  };
  return {
    tier,
    env,
    dataDir,
    databaseUrl,
    bucket,
    async cleanup() {
      await rm(dataDir, { recursive: true, force: true });
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

// --- HTTP as a client sees it -------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
export type Json = any;

/** POSTs a body (a Buffer, or a Node stream sent chunked) to /api/v1/artifacts. */
export async function upload(baseUrl: string, token: string, body: Buffer | Readable, headers: Record<string, string> = {}) {
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf', ...headers },
  };
  if (Buffer.isBuffer(body)) init.body = body;
  else {
    init.body = Readable.toWeb(body) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  const res = await fetch(`${baseUrl}/api/v1/artifacts`, init);
  const json: Json = await res.json().catch(() => null);
  return { status: res.status, json };
}

/** GETs an artifact and hashes it as it streams in; nothing is buffered. */
export async function downloadSha256(baseUrl: string, token: string, sha256: string) {
  const res = await fetch(`${baseUrl}/api/v1/artifacts/${sha256}`, { headers: { authorization: `Bearer ${token}` } });
  const hash = createHash('sha256');
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      hash.update(chunk);
      size += chunk.length;
    }
  }
  return { status: res.status, sha256: hash.digest('hex'), size };
}

export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes `size` bytes of pseudo-random data (an AES-CTR keystream: incompressible, fast) to
 * `path`, hashing while writing, and returns the SHA-256. Each call produces different bytes.
 */
export async function writePseudoRandomFile(path: string, size: number): Promise<string> {
  const cipher = createCipheriv('aes-128-ctr', randomBytes(16), randomBytes(16));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const hash = createHash('sha256');
  const out = createWriteStream(path, { mode: 0o600 });
  for (let written = 0; written < size; ) {
    const n = Math.min(zeros.length, size - written);
    const chunk = cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n));
    hash.update(chunk);
    written += n;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

export const fileStream = (path: string) => createReadStream(path, { highWaterMark: 1024 * 1024 });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseJson(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
