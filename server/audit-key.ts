import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CheckpointSigner, ed25519Signer } from '../archive/audit/checkpoint-signer.js';

export interface AuditKeyOptions {
  /** ARKIV_AUDIT_SIGNING_KEY: a PKCS#8 PEM. Production sets it so every instance signs alike. */
  configuredKeyPem?: string | undefined;
  dataDir: string;
}

/**
 * The key that signs audit checkpoints. Embedded mode keeps it in the data directory, readable by
 * the owner only. Losing it does not invalidate old checkpoints (verification trusts public keys),
 * but whoever can read it can sign a rewritten chain, so production should supply it from a
 * secret store rather than the data disk.
 */
export async function loadAuditSigner(options: AuditKeyOptions): Promise<CheckpointSigner> {
  if (options.configuredKeyPem) {
    // Environment variables often carry PEMs with literal "\n" instead of line breaks.
    return ed25519Signer(options.configuredKeyPem.replace(/\\n/g, '\n'));
  }
  const dir = join(options.dataDir, 'keys');
  const path = join(dir, 'audit-ed25519.pem');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await readIfExists(path);
  if (existing) return ed25519Signer(existing);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(tmp, pem, { mode: 0o600, flag: 'wx' });
  try {
    // link(2) publishes the complete file atomically and never replaces a key another process
    // generated at the same moment: the first one wins and everyone signs with it.
    await link(tmp, path);
    return ed25519Signer(pem);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return ed25519Signer(await readFile(path, 'utf8'));
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
