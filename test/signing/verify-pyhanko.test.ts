/**
 * The verifier on files no one here wrote: pyHanko's signed set must agree with poppler's
 * pdfsig on every signature, chain to the named anchors, and judge the 2022-expired signer by
 * the trusted time; the malformed and encrypted sets must never make it throw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certsFromPem } from '../../signing/pki/certificate.js';
import { verifyPdfFile } from '../../signing/verify/verify-pdf.js';
import { pyhanko } from './support/fixtures.js';
import { pdfsig } from './support/pdf-tools.js';

const base = pyhanko;
const anchors = ['root.cert.pem', 'lord-testerino-selfsigned.cert.pem'].flatMap((f) =>
  certsFromPem(readFileSync(join(base, 'testing-ca', f), 'utf8')),
);
const list = (sub: string) =>
  readdirSync(join(base, sub))
    .filter((f) => f.endsWith('.pdf'))
    .map((f) => join(base, sub, f));
const signed = [...list('signed/testing-ca'), ...list('signed/self-signed')];

describe.each(signed.map((f) => [f.slice(base.length + 8), f]))('%s', (_name, file) => {
  it('finds every signature pdfsig finds, with the same digest/signature verdict, chained to the anchors', async () => {
    const report = await verifyPdfFile(file, { trustAnchors: anchors });
    const theirs = pdfsig(file).signatures;
    expect(report.signatures.map((s) => s.field).sort()).toEqual(theirs.map((s) => s.field).sort());
    for (const sig of report.signatures) {
      const other = theirs.find((t) => t.field === sig.field);
      if (sig.subFilter !== 'ETSI.RFC3161') expect(other?.valid, sig.field).toBe(true);
      expect(sig, sig.field).toMatchObject({ digestValid: true, signatureValid: true, chainTrusted: true });
      expect(sig.signer?.certSha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('validity at the trusted time', () => {
  it('names the expiry of a signer without a time-stamp as a problem (not a pass)', async () => {
    const report = await verifyPdfFile(join(base, 'signed/testing-ca/pades-with-old-style-signing-cert-attr.pdf'), {
      trustAnchors: anchors,
    });
    expect(report.valid).toBe(false);
    expect(report.signatures[0]?.problems.join('\n')).toMatch(/CN=Alice.*expired on 2022-01-01.*no time-stamp/);
  });

  it('judges the LTA signatures at their time-stamp time: valid, B-LTA', async () => {
    const report = await verifyPdfFile(join(base, 'signed/testing-ca/pades-lta-dss-indirect-arrs-test.pdf'), { trustAnchors: anchors });
    const sig = report.signatures.find((s) => s.field === 'Sig1');
    expect(sig).toMatchObject({ level: 'B-LTA', problems: [], timestamp: { time: '2020-11-01T00:00:00.000Z', valid: true } });
    expect(report).toMatchObject({ valid: true, modifiedAfterLastSignature: false });
  });

  it('does not trust the same files without their anchors', async () => {
    const report = await verifyPdfFile(join(base, 'signed/testing-ca/pades-lta-dss-indirect-arrs-test.pdf'), { trustAnchors: [] });
    expect(report.valid).toBe(false);
    expect(report.signatures.every((s) => !s.chainTrusted)).toBe(true);
  });
});

describe('hostile and unusual inputs', () => {
  it.each([...list('malformed'), ...list('encrypted'), ...list('.')])('%s: a report, never a crash', async (file) => {
    const report = await verifyPdfFile(file, { trustAnchors: anchors });
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.valid).toBe(false);
    expect(report.problems.length + report.signatures.flatMap((s) => s.problems).length).toBeGreaterThan(0);
  });

  it('reports garbage as unreadable', async () => {
    const { verifyPdfBytes } = await import('../../signing/verify/verify-pdf.js');
    const report = await verifyPdfBytes(Buffer.from('%PDF-1.7\nnot really\n'), { trustAnchors: anchors });
    expect(report).toMatchObject({ valid: false, signatures: [] });
    expect(report.problems[0]).toMatch(/cannot be read as a PDF/);
  });
});
