import { randomBytes } from 'node:crypto';
import type { IdentityProviderRow } from '../../archive/identity/identity-providers.js';
import type { OidcVerifier } from './oidc.js';

/** What the HTTP layer needs for sign-in and sessions, decided once in the composition root. */
export interface IdentityOptions {
  /** HS256 key for session cookies (ARKIV_SESSION_KEY or `<data>/keys/session.key`). */
  sessionKey: Uint8Array;
  /** AES-256-GCM key for TOTP seeds (ARKIV_MASTER_KEY or `<data>/keys/master.key`). */
  masterKey: Buffer;
  /** `Secure` cookies: on in production, where the portal is only ever served over HTTPS. */
  secureCookies: boolean;
  /** Believe `X-Forwarded-For` for the client address (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** Base of the links Arkiv hands out (magic links). */
  publicUrl: string;
  oidc: OidcVerifier<IdentityProviderRow>;
}

/** Throwaway keys for one process (tests, tools): sessions do not survive a restart. */
export function ephemeralKeys(): Pick<IdentityOptions, 'sessionKey' | 'masterKey'> {
  return { sessionKey: randomBytes(32), masterKey: randomBytes(32) };
}
