import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Checks checkpoint signatures. Verification must be given the keys it trusts from outside the
 * checkpoint: the public key embedded in a checkpoint object is a convenience for humans, and an
 * attacker who rewrites the chain could embed a key of their own.
 */
export interface CheckpointVerifier {
  keyId: string;
  verify(data: Buffer, sig: Buffer): boolean;
  publicKeyPem: string;
}

/** Signs audit checkpoints. The private key never leaves this object. */
export interface CheckpointSigner extends CheckpointVerifier {
  sign(data: Buffer): Buffer;
}

/** sha256 of the SPKI DER, hex, first 16 characters: stable across PEM formatting. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function ed25519Signer(privateKeyPem: string): CheckpointSigner {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`audit signing key must be Ed25519, got ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  }
  const verifier = verifierFor(createPublicKey(privateKey));
  return {
    ...verifier,
    // Ed25519 hashes internally: the algorithm argument must be null.
    sign: (data) => sign(null, data, privateKey),
  };
}

/** A verifier for a trusted public key (e.g. an older, rotated-out signing key). */
export function ed25519Verifier(publicKeyPem: string): CheckpointVerifier {
  const publicKey = createPublicKey(publicKeyPem);
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`audit verification key must be Ed25519, got ${publicKey.asymmetricKeyType ?? 'unknown'}`);
  }
  return verifierFor(publicKey);
}

function verifierFor(publicKey: KeyObject): CheckpointVerifier {
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    verify: (data, sig) => {
      try {
        return verify(null, data, publicKey, sig);
      } catch {
        return false; // a malformed signature is simply not valid
      }
    },
  };
}
