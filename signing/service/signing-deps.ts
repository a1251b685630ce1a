import type { ArchiveDeps } from '../../archive/deps.js';
import { AppError } from '../../core/errors.js';
import { isSigningError } from '../errors.js';

/** What the signing use cases need beyond the archive: the key wrap and the signing settings. */
export interface SigningDeps extends ArchiveDeps {
  /** Wraps signatories' private keys (AES-256-GCM); the same key as for TOTP seeds. */
  masterKey: Buffer;
  /** RFC 3161 TSA for B-T; without it only B-B can be produced. */
  tsaUrl?: string | undefined;
  /** Extra trust anchors for POST /verify (PEM, from ARKIV_TRUST_ANCHORS). */
  trustAnchorsPem?: string | undefined;
}

/**
 * The signing core speaks SigningError; the API speaks AppError. The code is kept as the stable
 * reason. `status` is 400 where the caller's upload was wrong (a credential), else 422.
 */
export function toAppError(err: unknown, status?: number): unknown {
  if (!isSigningError(err)) return err;
  return new AppError(err.code, err.message, status ? { status } : {});
}

/** Binds a sealed key to its credential row: a ciphertext copied to another row does not open. */
export const keyContext = (credentialId: string) => `signing-credential:${credentialId}`;
