import { readFile } from 'node:fs/promises';
import type { IdentityOptions } from './auth/identity-options.js';
import type { Config } from './config.js';
import { loadSecretKey } from './keys.js';
import type { SigningSettings } from './routes/signing-routes.js';

/** Sign-in settings from the config: keys from the environment or the data directory. */
export async function loadIdentitySettings(config: Config, dataDir: string): Promise<Omit<IdentityOptions, 'oidc'>> {
  return {
    sessionKey: await loadSecretKey({ configured: config.ARKIV_SESSION_KEY, dataDir, file: 'session.key', name: 'ARKIV_SESSION_KEY' }),
    masterKey: await loadSecretKey({ configured: config.ARKIV_MASTER_KEY, dataDir, file: 'master.key', name: 'ARKIV_MASTER_KEY' }),
    secureCookies: config.NODE_ENV === 'production',
    trustProxy: config.ARKIV_TRUST_PROXY,
    publicUrl: config.ARKIV_PUBLIC_URL ?? `http://localhost:${config.PORT}`,
  };
}

/** Signing settings: the TSA for B-T and the extra trust anchors file, read once at boot. */
export async function loadSigningSettings(config: Config): Promise<SigningSettings> {
  const trustAnchorsPem = config.ARKIV_TRUST_ANCHORS ? await readFile(config.ARKIV_TRUST_ANCHORS, 'utf8') : undefined;
  return { tsaUrl: config.ARKIV_TSA_URL, trustAnchorsPem };
}
