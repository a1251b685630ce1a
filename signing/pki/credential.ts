import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { SigningError } from '../errors.js';
import { type Cert, certsFromPem, keyUsage, subjectString, validity } from './certificate.js';

/**
 * What signing needs: the private key and the certificate chain, signer first. Built from a P12
 * for the CLI, or from a decrypted key + chain for the credentials store (the API path).
 */
export interface SigningCredential {
  privateKey: KeyObject;
  /** Signer certificate first, then intermediates (and the root if supplied). */
  chain: Cert[];
}

export function credentialFromPem(keyPem: string, chainPem: string): SigningCredential {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (err) {
    throw new SigningError('credential_unreadable', 'private key cannot be read', { cause: err });
  }
  const chain = certsFromPem(chainPem);
  if (chain.length === 0) throw new SigningError('credential_unreadable', 'no certificate supplied');
  return checkKeyPair({ privateKey, chain });
}

/** Refuses a key that is not RSA or ECDSA P-256, or that does not belong to the certificate. */
export function checkKeyPair(cred: SigningCredential): SigningCredential {
  const key = cred.privateKey;
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new SigningError('unsupported_key', 'only ECDSA P-256 keys are supported');
  }
  if (type !== 'rsa' && type !== 'ec') throw new SigningError('unsupported_key', `unsupported key type ${type}`);
  const signer = cred.chain[0];
  if (!signer) throw new SigningError('credential_unreadable', 'no signer certificate');
  const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCert = signer.x509.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert))
    throw new SigningError('certificate_key_mismatch', 'the private key does not match the signer certificate');
  return cred;
}

/**
 * A signature is a legal act: refuse up front when the certificate could not support it at
 * signing time (validity window, key usage) instead of producing a signature every verifier rejects.
 */
export function assertUsableAt(cred: SigningCredential, at: Date): void {
  const signer = cred.chain[0];
  if (!signer) throw new SigningError('credential_unreadable', 'no signer certificate');
  const { notBefore, notAfter } = validity(signer);
  const who = subjectString(signer);
  if (at < notBefore)
    throw new SigningError('certificate_not_yet_valid', `certificate ${who} is valid only from ${notBefore.toISOString()}`);
  if (at > notAfter) throw new SigningError('certificate_expired', `certificate ${who} expired on ${notAfter.toISOString()}`);
  const ku = keyUsage(signer);
  if (!ku.present || !(ku.digitalSignature || ku.nonRepudiation)) {
    throw new SigningError('certificate_key_usage', `certificate ${who} lacks the digitalSignature/nonRepudiation key usage`);
  }
}

export type { Cert };
