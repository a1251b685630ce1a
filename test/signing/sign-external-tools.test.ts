/**
 * Our signatures judged by other people's tools: poppler's pdfsig, OpenSSL's CMS and TS
 * verifiers, qpdf. RSA and ECDSA P-256, B-B and B-T (against a local openssl TSA), on a classic
 * xref file and on an xref-stream file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certsFromPem } from '../../signing/pki/certificate.js';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfFile } from '../../signing/sign/sign-pdf.js';
import { verifyPdfFile } from '../../signing/verify/verify-pdf.js';
import { pyhanko } from './support/fixtures.js';
import { type LocalTsa, startLocalTsa } from './support/local-tsa.js';
import { extractSignature, extractTimestamp, pdfsig, qpdfCheck } from './support/pdf-tools.js';
import { createTestPki, run, type TestPki } from './support/test-pki.js';

const vectors = pyhanko;
let dir: string;
let pki: TestPki;
let tsa: LocalTsa;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-sign-tools-'));
  pki = createTestPki(join(dir, 'pki'));
  tsa = await startLocalTsa(pki);
});
afterAll(async () => {
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cases = [
  { key: 'rsa', input: 'minimal.pdf', tsa: false },
  { key: 'ec', input: 'minimal-xref.pdf', tsa: false },
  { key: 'rsa', input: 'minimal-xref.pdf', tsa: true },
  { key: 'ec', input: 'minimal-two-pages.pdf', tsa: true },
] as const;

describe.each(cases)('$key signature on $input (B-T: $tsa)', (c) => {
  let out: string;
  let level: string;

  beforeAll(async () => {
    const credential = await loadP12(readFileSync(pki.p12[c.key]), pki.passphrase);
    out = join(dir, `${c.key}-${c.tsa ? 'bt' : 'bb'}-${c.input}`);
    const result = await signPdfFile(join(vectors, c.input), out, {
      credential,
      reason: 'Approved for MRB',
      tsa: c.tsa ? { url: tsa.url } : undefined,
    });
    level = result.level;
  });

  it('is reported valid and covering the whole document by pdfsig', () => {
    const r = pdfsig(out);
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ valid: true, total: true, type: 'ETSI.CAdES.detached' });
    expect(level).toBe(c.tsa ? 'B-T' : 'B-B');
  });

  it('passes qpdf --check', () => {
    const r = qpdfCheck(out);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('verifies with openssl cms against the test root, with signingCertificateV2 and no signingTime', () => {
    const x = extractSignature(out, 'Signature1', join(dir, `${c.key}-${c.tsa}-${c.input}`));
    const verify = run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      x.cms,
      '-content',
      x.content,
      '-CAfile',
      pki.rootPem,
      '-out',
      '/dev/null',
    ]);
    expect(verify.status, verify.stderr).toBe(0);
    const printed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', x.cms]).stdout;
    // Only the signer's signed attributes: the TSA's token (an unsigned attribute) has its own.
    const [signed = '', unsigned = ''] = printed.split(/unsignedAttrs:/);
    expect(signed.match(/id-smime-aa-signingCertificateV2/g)).toHaveLength(1);
    expect(signed).not.toMatch(/signingTime/);
    if (c.tsa) expect(unsigned).toMatch(/id-smime-aa-timeStampToken/);
    else expect(unsigned).toMatch(/^\s*<ABSENT>/);
  });

  // Only B-T signatures carry a time-stamp token; the case is not generated for B-B.
  if (c.tsa) {
    it('carries a time-stamp token that openssl ts -verify accepts', async () => {
      const x = extractSignature(out, 'Signature1', join(dir, `ts-${c.key}-${c.input}`));
      const ts = await extractTimestamp(x.cms, join(dir, `ts-${c.key}-${c.input}`));
      expect(ts).toBeDefined();
      const r = run('openssl', ['ts', '-verify', '-in', ts?.token ?? '', '-token_in', '-data', ts?.data ?? '', '-CAfile', pki.rootPem]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Verification: OK/);
    });
  }

  it('is valid and trusted for our own verifier with the test root, untrusted without it', async () => {
    const anchors = certsFromPem(readFileSync(pki.rootPem, 'utf8'));
    const ok = await verifyPdfFile(out, { trustAnchors: anchors });
    expect(ok.valid, JSON.stringify(ok, null, 1)).toBe(true);
    expect(ok.signatures[0]).toMatchObject({
      subFilter: 'ETSI.CAdES.detached',
      level,
      coversWholeDocument: true,
      chainTrusted: true,
      problems: [],
    });
    if (c.tsa) expect(ok.signatures[0]?.timestamp?.valid).toBe(true);
    const pyhankoRoot = certsFromPem(readFileSync(join(vectors, 'testing-ca/root.cert.pem'), 'utf8'));
    const untrusted = await verifyPdfFile(out, { trustAnchors: pyhankoRoot });
    expect(untrusted.valid).toBe(false);
    expect(untrusted.signatures[0]?.chainTrusted).toBe(false);
    expect(untrusted.signatures[0]?.problems.join(' ')).toMatch(/not a configured trust anchor/);
  });
});
