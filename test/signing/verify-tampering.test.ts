/** Each way of cheating a signature is caught, and named. */

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferSource } from '../../signing/pdf/byte-source.js';
import { PdfReader } from '../../signing/pdf/reader.js';
import { type Cert, certsFromPem } from '../../signing/pki/certificate.js';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfBytes } from '../../signing/sign/sign-pdf.js';
import { verifyPdfBytes } from '../../signing/verify/verify-pdf.js';
import { pyhanko } from './support/fixtures.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

let dir: string;
let pki: TestPki;
let signed: Buffer;
let byteRange: number[];
let anchors: Cert[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-tamper-'));
  pki = createTestPki(join(dir, 'pki'));
  anchors = certsFromPem(readFileSync(pki.rootPem, 'utf8'));
  const credential = await loadP12(readFileSync(pki.p12.rsa), pki.passphrase);
  const r = await signPdfBytes(readFileSync(join(pyhanko, 'minimal.pdf')), { credential });
  signed = r.pdf;
  byteRange = r.result.byteRange;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verify = (bytes: Uint8Array, now?: Date) => verifyPdfBytes(bytes, { trustAnchors: anchors, now });
const allProblems = (r: Awaited<ReturnType<typeof verify>>) => [...r.problems, ...r.signatures.flatMap((s) => s.problems)].join('\n');

describe('tampering', () => {
  it('the untouched file is valid', async () => {
    expect((await verify(signed)).valid).toBe(true);
  });

  it('a flipped byte in the signed range breaks the digest', async () => {
    const bad = Buffer.from(signed);
    const at = signed.indexOf('Hello World');
    bad[at] = 'J'.charCodeAt(0);
    const r = await verify(bad);
    expect(r.valid).toBe(false);
    expect(r.signatures[0]?.digestValid).toBe(false);
    expect(allProblems(r)).toMatch(/message digest does not match/);
  });

  it('bytes appended after the signature are flagged', async () => {
    const r = await verify(Buffer.concat([signed, Buffer.from('\n% appended later\n1 0 obj << >> endobj\n')]));
    expect(r).toMatchObject({ valid: false, modifiedAfterLastSignature: true });
    expect(r.signatures[0]?.coversWholeDocument).toBe(false);
    expect(allProblems(r)).toMatch(/bytes after the signed revision are not an incremental update/);
  });

  it('an incremental update that changes page content is named', async () => {
    const r = await verify(appendContentChange(signed));
    expect(r).toMatchObject({ valid: false, modifiedAfterLastSignature: true });
    expect(r.signatures[0]).toMatchObject({ digestValid: true, signatureValid: true, coversWholeDocument: false });
    expect(allProblems(r)).toMatch(/page content stream 4 was changed after signing/);
  });

  it('a ByteRange whose gap is larger than /Contents is rejected', async () => {
    const [, a = 0, b = 0, c = 0] = byteRange;
    const text = signed.toString('latin1');
    const old = `[${[0, a, b, c].join(' ')}`;
    const fake = `[${[0, a - 40, b, c].join(' ')}`;
    const bad = Buffer.from(text.replace(old, fake.padEnd(old.length, ' ')), 'latin1');
    const r = await verify(bad);
    expect(r.valid).toBe(false);
    expect(allProblems(r)).toMatch(/gap .* is not exactly the \/Contents string/);
  });

  it('an unknown trust anchor leaves the chain untrusted', async () => {
    const other = certsFromPem(readFileSync(join(pyhanko, 'testing-ca/root.cert.pem'), 'utf8'));
    const r = await verifyPdfBytes(signed, { trustAnchors: other });
    expect(r.valid).toBe(false);
    expect(r.signatures[0]?.chainTrusted).toBe(false);
    expect(allProblems(r)).toMatch(/not a configured trust anchor/);
  });

  it('an expired certificate without a time-stamp is a named problem', async () => {
    const r = await verify(signed, new Date('2100-01-01T00:00:00Z'));
    expect(r.valid).toBe(false);
    expect(allProblems(r)).toMatch(/CN=Signer RSA.* expired on .*no time-stamp/);
  });

  it('a tampered signed attribute breaks the CMS signature', async () => {
    // Flip one byte of the ESS signing-certificate-v2 hash inside /Contents.
    const credential = await loadP12(readFileSync(pki.p12.rsa), pki.passphrase);
    const certHash = createHash('sha256')
      .update(credential.chain[0]?.der ?? new Uint8Array())
      .digest('hex');
    const text = signed.toString('latin1');
    const at = text.indexOf(certHash);
    expect(at).toBeGreaterThan(byteRange[1] ?? 0);
    const bad = Buffer.from(signed);
    bad[at] = bad[at] === 0x30 ? 0x31 : 0x30;
    const r = await verify(bad);
    expect(r.valid).toBe(false);
    expect(r.signatures[0]?.signatureValid).toBe(false);
    expect(allProblems(r)).toMatch(/CMS signature does not verify/);
    expect(allProblems(r)).toMatch(/signing-certificate attribute does not match/);
  });
});

/** Appends a classic incremental update that replaces the page's content stream (object 4). */
function appendContentChange(pdf: Buffer): Buffer {
  const reader = PdfReader.open(new BufferSource(pdf));
  const prev = reader.sections[0]?.offset ?? 0;
  const content = 'BT /F1 18 Tf 0 0 Td (Goodbye World) Tj ET';
  const obj = `\n4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`;
  const objAt = pdf.length + 1;
  const xrefAt = pdf.length + obj.length;
  const root = reader.trailer.get('Root') as { num: number; gen: number };
  const tail = `xref\n4 1\n${String(objAt).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size ${reader.size} /Root ${root.num} ${root.gen} R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(obj + tail, 'latin1')]);
}
