/**
 * Signing files someone else already signed (pyHanko's set: xref streams, object streams,
 * linearized, DSS, document time-stamps) must keep every earlier signature valid: our
 * incremental update never touches an earlier byte.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfFile } from '../../signing/sign/sign-pdf.js';
import { pyhanko } from './support/fixtures.js';
import { pdfsig, qpdfCheck } from './support/pdf-tools.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

const signedDir = join(pyhanko, 'signed');
const files = readdirSync(signedDir).flatMap((sub) => readdirSync(join(signedDir, sub)).map((f) => join(sub, f)));
let dir: string;
let pki: TestPki;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-sign-signed-'));
  pki = createTestPki(join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Certified with DocMDP P=1: any change, a new signature included, breaks the certification. */
const noChangesAllowed = new Set(['testing-ca/certified-with-indirect-refs-in-dir.pdf']);

it('refuses to sign a document certified with "no changes permitted"', async () => {
  const credential = await loadP12(readFileSync(pki.p12.ec), pki.passphrase);
  for (const file of noChangesAllowed) {
    await expect(signPdfFile(join(signedDir, file), join(dir, 'certified.pdf'), { credential })).rejects.toMatchObject({
      code: 'pdf_certified_no_changes',
    });
  }
});

describe.each(files.filter((f) => !noChangesAllowed.has(f)))('%s', (file) => {
  it('keeps every earlier signature valid and adds ours, valid over the whole document', async () => {
    const input = join(signedDir, file);
    const before = pdfsig(input).signatures;
    const out = join(dir, file.replace(/\//g, '_'));
    const credential = await loadP12(readFileSync(pki.p12.ec), pki.passphrase);
    await signPdfFile(input, out, { credential, reason: 'Countersigned' });
    const after = pdfsig(out).signatures;
    expect(after).toHaveLength(before.length + 1);
    for (const [i, sig] of before.entries())
      expect(after[i], `earlier signature ${sig.field}`).toMatchObject({ field: sig.field, valid: sig.valid });
    expect(after[after.length - 1]).toMatchObject({ valid: true, total: true, type: 'ETSI.CAdES.detached' });
    expect(Buffer.compare(readFileSync(out).subarray(0, readFileSync(input).length), readFileSync(input))).toBe(0);
    expect(qpdfCheck(out).status).toBe(0);
  });
});
