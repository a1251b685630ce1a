import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SecretKeyOptions {
  /** From the environment (ARKIV_MASTER_KEY, ARKIV_SESSION_KEY): 32 bytes as hex or base64. */
  configured?: string | undefined;
  dataDir: string;
  /** File name under `<dataDir>/keys/` used in embedded mode when nothing is configured. */
  file: string;
  name: string;
}

/**
 * A 256-bit symmetric key: the master key (encrypts TOTP seeds at rest) or the session key (signs
 * session cookies). Production supplies them from a secret store, identical on every instance;
 * embedded mode generates them once into the data directory, readable by the owner only. Losing
 * the master key makes enrolled TOTP seeds unreadable (users re-enrol); losing the session key
 * only signs everybody out.
 */
export async function loadSecretKey(options: SecretKeyOptions): Promise<Buffer> {
  if (options.configured) return parseKey(options.configured, options.name);
  const dir = join(options.dataDir, 'keys');
  const path = join(dir, options.file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (existing) return parseKey(existing.trim(), path);
  const encoded = randomBytes(32).toString('base64');
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(tmp, `${encoded}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link(2) never replaces a key another instance generated at the same moment: first one wins.
    await link(tmp, path);
    return parseKey(encoded, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parseKey((await readFile(path, 'utf8')).trim(), path);
  } finally {
    await rm(tmp, { force: true });
  }
}

function parseKey(value: string, name: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${name}: expected 32 bytes as 64 hex digits or base64`);
  return key;
}
