import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ed25519Verifier } from '../archive/audit/checkpoint-signer.js';
import { loadAuditSigner } from './audit-key.js';

describe('audit signing key', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arkiv-key-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('generates one owner-only key in the data dir and keeps signing with it', async () => {
    const [a, b] = await Promise.all([loadAuditSigner({ dataDir }), loadAuditSigner({ dataDir })]);
    const again = await loadAuditSigner({ dataDir });
    expect(new Set([a.keyId, b.keyId, again.keyId]).size).toBe(1);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect((await stat(join(dataDir, 'keys', 'audit-ed25519.pem'))).mode & 0o777).toBe(0o600);
    const data = Buffer.from('checkpoint');
    expect(ed25519Verifier(again.publicKeyPem).verify(data, a.sign(data))).toBe(true);
    expect(a.verify(Buffer.from('other'), a.sign(data))).toBe(false);
  });

  it('uses the configured key, also when its line breaks arrive escaped', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signer = await loadAuditSigner({ configuredKeyPem: pem.replace(/\n/g, '\\n'), dataDir });
    expect(signer.keyId).toBe((await loadAuditSigner({ configuredKeyPem: pem, dataDir })).keyId);
    await expect(stat(join(dataDir, 'keys'))).rejects.toThrow(); // nothing generated
  });

  it('refuses a key that is not Ed25519', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadAuditSigner({ configuredKeyPem: pem, dataDir })).rejects.toThrow(/Ed25519/);
  });
});
