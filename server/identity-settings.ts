import type { IdentityOptions } from './auth/identity-options.js';
import type { Config } from './config.js';
import { loadSecretKey } from './keys.js';

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
