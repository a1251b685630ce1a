/** `arkiv sign` and `arkiv verify` as the command-line contract describes them (exit codes, JSON). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCommand } from '../../server/cli/sign-command.js';
import { verifyCommand } from '../../server/cli/verify-command.js';
import { pyhanko } from './support/fixtures.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

const minimal = join(pyhanko, 'minimal.pdf');
let dir: string;
let pki: TestPki;
let out: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'arkiv-cli-sign-'));
  pki = createTestPki(join(dir, 'pki'));
  process.env.ARKIV_TEST_P12_PASS = pki.passphrase;
});
afterAll(() => {
  delete process.env.ARKIV_TEST_P12_PASS;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  out = [];
});
const capture = () => {
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void out.push(s));
};

describe('arkiv sign / arkiv verify', () => {
  it('signs, then verifies with --trust and --json in the DESIGN.md report shape (exit 0)', async () => {
    capture();
    const signed = join(dir, 'signed.pdf');
    const code = await signCommand([
      minimal,
      '--p12',
      pki.p12.ec,
      '--out',
      signed,
      '--passphrase-env',
      'ARKIV_TEST_P12_PASS',
      '--reason',
      'Approved',
    ]);
    expect(code, out.join('\n')).toBe(0);
    expect(JSON.parse(out[0] ?? '{}')).toMatchObject({ out: signed, level: 'B-B', fieldName: 'Signature1' });
    out = [];
    expect(await verifyCommand([signed, '--trust', pki.rootPem, '--json'])).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(Object.keys(report).sort()).toEqual(['modifiedAfterLastSignature', 'problems', 'sha256', 'signatures', 'valid']);
    expect(Object.keys(report.signatures[0]).sort()).toEqual(
      [
        'chainTrusted',
        'claimedSigningTime',
        'coversWholeDocument',
        'digestValid',
        'field',
        'level',
        'problems',
        'signatureValid',
        'signer',
        'subFilter',
        'timestamp',
      ].sort(),
    );
    expect(report.signatures[0].signer.subject).toMatch(/CN=Signer EC/);
  });

  it('exits 1 when the chain is not trusted, with the reason in the text report', async () => {
    capture();
    const signed = join(dir, 'signed2.pdf');
    expect(await signCommand([minimal, '--p12', pki.p12.rsa, '--out', signed, '--passphrase-env', 'ARKIV_TEST_P12_PASS'])).toBe(0);
    out = [];
    expect(await verifyCommand([signed])).toBe(1);
    expect(out.join('\n')).toMatch(/no trust anchors configured[\s\S]*RESULT: NOT VALID/);
  });

  it('prints the stable code and exits 1 for an expired certificate; 2 for bad usage', async () => {
    capture();
    expect(
      await signCommand([minimal, '--p12', pki.p12.expired, '--out', join(dir, 'x.pdf'), '--passphrase-env', 'ARKIV_TEST_P12_PASS']),
    ).toBe(1);
    expect(out.join('\n')).toMatch(/certificate_expired/);
    expect(await signCommand([minimal, '--out', join(dir, 'x.pdf')])).toBe(2);
    expect(await verifyCommand([])).toBe(2);
  });
});
