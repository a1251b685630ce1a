/**
 * Extraction benchmark: the text path (pdfjs text layer + field rules, in the worker pool) beside
 * `pdftotext -layout` on the same PDFs, and the OCR path per page beside the `tesseract` CLI on
 * the same scanned pages (rasterised with pdftoppm at 300 dpi), in the same run.
 *   node --import tsx test/bench/extract.ts [TEXT_DOCS] [SCAN_PAGES]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtractionPool } from '../../extract/index.js';
import { LAYOUTS, scanFixtures, textFixtures } from '../fixtures/extraction/catalog.js';

const textDocs = Number(process.argv[2] ?? 60);
const scanPages = Number(process.argv[3] ?? 4);
const cores = availableParallelism();
const dir = await mkdtemp(join(tmpdir(), 'arkiv-bench-extract-'));
const has = (cmd: string) => spawnSync(cmd, ['-v'], { stdio: 'ignore' }).error === undefined;

try {
  const base = await textFixtures(Math.ceil(textDocs / Object.keys(LAYOUTS).length));
  const docs = base.slice(0, textDocs);
  const files = await Promise.all(
    docs.map(async (d, i) => {
      const f = join(dir, `t${i}.pdf`);
      await writeFile(f, d.bytes);
      return f;
    }),
  );
  const pool = new ExtractionPool({ size: cores, timeoutMs: 600_000 });
  await pool.extract(docs[0]?.bytes ?? new Uint8Array()); // warm-up: worker start and module load
  let t = performance.now();
  await Promise.all(docs.map((d) => pool.extract(d.bytes, { ocr: 'never' })));
  const oursText = docs.length / ((performance.now() - t) / 1000);
  let refText = Number.NaN;
  if (has('pdftotext')) {
    t = performance.now();
    await parallel(files, cores, (f) => ['pdftotext', ['-layout', f, '-']]);
    refText = files.length / ((performance.now() - t) / 1000);
  }
  console.log(`text path: ${docs.length} one-page PDFs, ${cores} workers`);
  console.log(`  arkiv extract  ${oursText.toFixed(1)} pages/s (incl. classification and field rules)`);
  console.log(`  pdftotext      ${refText.toFixed(1)} pages/s   ratio arkiv/pdftotext = ${(oursText / refText).toFixed(2)}`);

  const scans = await scanFixtures(Object.keys(LAYOUTS).slice(0, scanPages));
  t = performance.now();
  await Promise.all(scans.map((s) => pool.extract(s.bytes)));
  const oursOcr = scans.length / ((performance.now() - t) / 1000);
  await pool.close();
  let refOcr = Number.NaN;
  if (has('tesseract') && has('pdftoppm')) {
    const pngs: string[] = [];
    for (const [i, s] of scans.entries()) {
      const f = join(dir, `s${i}.pdf`);
      await writeFile(f, s.bytes);
      spawnSync('pdftoppm', ['-r', '300', '-gray', '-png', '-singlefile', f, join(dir, `s${i}`)]);
      pngs.push(join(dir, `s${i}.png`));
    }
    t = performance.now();
    await parallel(pngs, cores, (p) => ['tesseract', [p, '-', '-l', 'eng+deu', '--psm', '11']]);
    refOcr = pngs.length / ((performance.now() - t) / 1000);
  }
  console.log(`OCR path: ${scans.length} scanned pages, 300 dpi, eng+deu, ${cores} workers`);
  console.log(`  arkiv extract  ${oursOcr.toFixed(2)} pages/s (render + tesseract.js + numeric re-read + fields)`);
  console.log(
    `  tesseract CLI  ${refOcr.toFixed(2)} pages/s (pre-rendered PNG)   ratio arkiv/tesseract = ${(oursOcr / refOcr).toFixed(2)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Runs a command per item with `n` processes in flight (the reference gets the same cores we do). */
async function parallel<T>(items: T[], n: number, argv: (x: T) => [string, string[]]): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let x = queue.shift(); x !== undefined; x = queue.shift()) {
        const [cmd, args] = argv(x);
        await new Promise<void>((resolve) => {
          spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, OMP_THREAD_LIMIT: '1' } }).on('close', () => resolve());
        });
      }
    }),
  );
}
