/**
 * What the signer refuses, each with a stable code, and the TSA policy: fail closed by default,
 * fall back to B-B only when asked, and then say so.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadP12 } from '../../signing/pki/p12.js';
import { signPdfFile } from '../../signing/sign/sign-pdf.js';
import { pyhanko } from './support/fixtures.js';
import { type LocalTsa, startLocalTsa } from './support/local-tsa.js';
import { pdfsig } from './support/pdf-tools.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

const minimal = join(pyhanko, 'minimal.pdf');
let dir: string;
let pki: TestPki;
let tsa: LocalTsa;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-sign-refusals-'));
  pki = createTestPki(join(dir, 'pki'));
  tsa = await startLocalTsa(pki);
});
afterAll(async () => {
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

const credential = (key: keyof TestPki['p12']) => loadP12(readFileSync(pki.p12[key]), pki.passphrase);

describe('certificates that cannot sign', () => {
  it.each([
    ['expired', 'certificate_expired'],
    ['notYetValid', 'certificate_not_yet_valid'],
    ['noKeyUsage', 'certificate_key_usage'],
  ] as const)('refuses the %s certificate with %s and writes nothing', async (key, code) => {
    const out = join(dir, `${key}.pdf`);
    await expect(signPdfFile(minimal, out, { credential: await credential(key) })).rejects.toMatchObject({ code });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a wrong P12 passphrase', async () => {
    await expect(loadP12(readFileSync(pki.p12.rsa), 'wrong')).rejects.toMatchObject({ code: 'credential_unreadable' });
  });
});

describe('inputs that cannot be signed', () => {
  it('refuses an encrypted PDF', async () => {
    const input = join(pyhanko, 'encrypted/minimal-rc4.pdf');
    await expect(signPdfFile(input, join(dir, 'enc.pdf'), { credential: await credential('rsa') })).rejects.toMatchObject({
      code: 'pdf_encrypted',
    });
  });

  it('refuses a file whose cross-reference cannot be found', async () => {
    const input = join(pyhanko, 'malformed/minimal-startxref-hopeless.pdf');
    await expect(signPdfFile(input, join(dir, 'bad.pdf'), { credential: await credential('rsa') })).rejects.toMatchObject({
      code: 'pdf_unreadable',
    });
  });
});

describe('time-stamp authority failures', () => {
  it.each(['error', 'garbage'] as const)('fails closed when the TSA answers with %s', async (mode) => {
    tsa.mode = mode;
    try {
      const out = join(dir, `tsa-${mode}.pdf`);
      await expect(signPdfFile(minimal, out, { credential: await credential('rsa'), tsa: { url: tsa.url } })).rejects.toMatchObject({
        code: 'tsa_failed',
      });
      expect(existsSync(out)).toBe(false);
    } finally {
      tsa.mode = 'ok';
    }
  });

  it('fails closed when the TSA is unreachable', async () => {
    const tsaOpts = { url: 'http://127.0.0.1:9/tsa', timeoutMs: 2000 };
    await expect(signPdfFile(minimal, join(dir, 'x.pdf'), { credential: await credential('rsa'), tsa: tsaOpts })).rejects.toMatchObject({
      code: 'tsa_failed',
    });
  });

  it('falls back to B-B only when the policy allows it, and the result says so', async () => {
    tsa.mode = 'error';
    try {
      const out = join(dir, 'fallback.pdf');
      const result = await signPdfFile(minimal, out, {
        credential: await credential('ec'),
        tsa: { url: tsa.url, allowFallbackToBB: true },
      });
      expect(result.level).toBe('B-B');
      expect(result.timestampFallback?.reason).toMatch(/time-stamp/);
      expect(pdfsig(out).signatures[0]).toMatchObject({ valid: true, total: true });
    } finally {
      tsa.mode = 'ok';
    }
  });

  it('rejects a token from a TSA outside the given trust anchors', async () => {
    const { certsFromPem } = await import('../../signing/pki/certificate.js');
    const other = certsFromPem(readFileSync(join(pyhanko, 'testing-ca/root.cert.pem'), 'utf8'));
    await expect(
      signPdfFile(minimal, join(dir, 'untrusted-tsa.pdf'), {
        credential: await credential('rsa'),
        tsa: { url: tsa.url, trustAnchors: other },
      }),
    ).rejects.toMatchObject({ code: 'tsa_failed' });
  });
});
