/**
 * A ~50 MB PDF is signed by streaming from disk (the 500 MB figures are in test/bench/signing.ts):
 * the signature is valid for pdfsig and for our verifier, and the process's peak RSS is printed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { certsFromPem } from '../../signing/pki/certificate.js';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfFile } from '../../signing/sign/sign-pdf.js';
import { verifyPdfFile } from '../../signing/verify/verify-pdf.js';
import { writeBigPdf } from './support/big-pdf.js';
import { pdfsig } from './support/pdf-tools.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

let dir: string;
let pki: TestPki;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-large-'));
  pki = createTestPki(join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('signs a 50 MB PDF from disk; pdfsig and our verifier accept it', async () => {
  const input = join(dir, 'big.pdf');
  const out = join(dir, 'big-signed.pdf');
  writeBigPdf(input, 50 * 1024 * 1024);
  const credential = await loadP12(readFileSync(pki.p12.rsa), pki.passphrase);
  const rssBefore = process.memoryUsage().rss;
  const result = await signPdfFile(input, out, { credential });
  const rssAfter = process.memoryUsage().rss;
  console.log(
    `signed ${(statSync(input).size / 2 ** 20).toFixed(0)} MiB: rss ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB, worker peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  expect(result.size).toBeGreaterThan(50 * 1024 * 1024);
  expect(pdfsig(out).signatures[0]).toMatchObject({ valid: true, total: true });
  const report = await verifyPdfFile(out, { trustAnchors: certsFromPem(readFileSync(pki.rootPem, 'utf8')) });
  expect(report.valid, JSON.stringify(report)).toBe(true);
});
