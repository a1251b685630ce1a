/**
 * Signing benchmark: PAdES B-B signing (and verifying) of 1 MB / 100 MB / 500 MB PDFs, each in a
 * fresh process so its peak RSS is its own, beside `qpdf --check` and `openssl dgst -sha256` on
 * the same file in the same run. Run: node --import tsx test/bench/signing.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certsFromPem } from '../../signing/pki/certificate.js';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfFile } from '../../signing/sign/sign-pdf.js';
import { verifyPdfFile } from '../../signing/verify/verify-pdf.js';
import { writeBigPdf } from '../signing/support/big-pdf.js';
import { createTestPki } from '../signing/support/test-pki.js';

const MB = 1024 * 1024;
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await parent();

/** One measured operation in this process: prints {seconds, peakRssMiB}. */
async function child([op, input, output, p12, pass, root]: string[]): Promise<void> {
  const started = performance.now();
  if (op === 'sign') {
    const credential = await loadP12(readFileSync(p12 as string), pass as string);
    await signPdfFile(input as string, output as string, { credential });
  } else {
    const report = await verifyPdfFile(input as string, { trustAnchors: certsFromPem(readFileSync(root as string, 'utf8')) });
    if (!report.valid) throw new Error(`verification failed: ${JSON.stringify(report)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'arkiv-bench-sign-'));
  try {
    const pki = createTestPki(join(dir, 'pki'));
    const rows: string[] = [];
    for (const size of [1, 100, 500]) {
      const input = join(dir, `in-${size}.pdf`);
      const output = join(dir, `out-${size}.pdf`);
      writeBigPdf(input, size * MB);
      const args = [pki.p12.rsa, pki.passphrase, pki.rootPem];
      const sign = measure(['sign', input, output, ...args]);
      const verify = measure(['verify', output, '-', ...args]);
      const qpdf = timed('qpdf', ['--check', output]);
      const dgst = timed('openssl', ['dgst', '-sha256', output]);
      rows.push(
        [
          `${String(size).padStart(4)} MB`,
          `sign ${sign.seconds.toFixed(2)} s / ${sign.peakRssMiB.toFixed(0)} MiB peak`,
          `verify ${verify.seconds.toFixed(2)} s / ${verify.peakRssMiB.toFixed(0)} MiB peak`,
          `qpdf --check ${qpdf.toFixed(2)} s`,
          `openssl dgst ${dgst.toFixed(2)} s`,
          `sign/dgst ${(sign.seconds / dgst).toFixed(1)}x`,
        ].join(' | '),
      );
      rmSync(input);
      rmSync(output);
    }
    console.log(`node ${process.version}; each sign/verify in a fresh process (peak RSS = getrusage maxrss)`);
    for (const r of rows) console.log(r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(args: string[]): { seconds: number; peakRssMiB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
}

function timed(cmd: string, args: string[]): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return (performance.now() - started) / 1000;
}
