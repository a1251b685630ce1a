import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, SERVER_NODE_FLAGS } from '../support/server-process.js';
import { longCertificatePdf } from './long-certificate-pdf.js';

const MiB = 1024 ** 2;
const PAGES = 200;
/** Issue #4: a 200-page text PDF extracts with peak RSS under 400 MB (the whole process, worker included). */
const RSS_LIMIT = 400 * 1000 ** 2;

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arkiv-200-pages-'));
  file = join(dir, 'record-book.pdf');
  await writeFile(file, await longCertificatePdf(PAGES));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The kernel's high-water mark of the process's resident set (VmHWM); 0 once it has exited. */
function peakRss(pid: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * `arkiv extract` as an operator runs it: the extraction worker thread lives in this process, so
 * its high-water mark covers pdfjs, the worker and the result. VmHWM only grows, so the last
 * sample before exit is the peak up to the final few milliseconds (which only print and exit).
 */
async function extractMeasured(args: string[]) {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(repoRoot, 'bin', 'arkiv.mjs'), 'extract', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid as number;
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRss(pid))), 10);
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => stdout.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = performance.now();
  const [code] = (await once(child, 'close')) as [number | null];
  clearInterval(timer);
  return { code, stdout: Buffer.concat(stdout).toString(), stderr, peak, seconds: (performance.now() - started) / 1000 };
}

describe('a 200-page text PDF through `arkiv extract`', () => {
  it('extracts every page with the process peak RSS under 400 MB', async () => {
    const run = await extractMeasured([file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { pages: number; source: string; docClass: string; text?: unknown };
    expect(result).toMatchObject({ pages: PAGES, source: 'text', docClass: 'mill_cert' });
    expect(result.text).toBeUndefined(); // the plain text stays out of the DESIGN.md result
    console.info(`[extract] ${PAGES} pages in ${run.seconds.toFixed(1)} s, peak RSS ${(run.peak / MiB).toFixed(0)} MiB`);
    expect(run.peak).toBeGreaterThan(0);
    expect(run.peak, 'peak RSS of `arkiv extract`').toBeLessThan(RSS_LIMIT);
  }, 120_000);

  it('prints the plain text of every page in reading order, pages split by form feeds (--text)', async () => {
    const run = await extractMeasured([file, '--text']);
    expect(run.code, run.stderr).toBe(0);
    const pages = run.stdout.split('\f');
    expect(pages).toHaveLength(PAGES);
    expect(pages[0]).toMatch(/^.+\nINSPECTION CERTIFICATE \/ ABNAHMEPRÜFZEUGNIS EN 10204 3\.1\nA03 Certificate No\.: MC-2024-00001 /);
    expect(pages[PAGES - 1]).toContain('MC-2024-00200');
    expect(pages[PAGES - 1]).toMatch(/Page 200\n/);
    expect(run.peak, 'peak RSS of `arkiv extract --text`').toBeLessThan(RSS_LIMIT);
  }, 120_000);
});
