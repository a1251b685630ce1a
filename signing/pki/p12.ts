import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import { SigningError } from '../errors.js';
import { type Cert, certFromDer } from './certificate.js';
import { checkKeyPair, type SigningCredential } from './credential.js';

const KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const PLAIN_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/**
 * Opens a PKCS#12 (as `openssl pkcs12 -export` writes it: PBES2/AES, HMAC-SHA-256 MAC). The MAC is
 * checked, so a wrong passphrase or a tampered file is refused rather than half-read.
 */
export async function loadP12(bytes: Uint8Array, passphrase: string): Promise<SigningCredential> {
  try {
    const password = new TextEncoder().encode(passphrase).buffer as ArrayBuffer;
    const pfx = pkijs.PFX.fromBER(new Uint8Array(bytes));
    await pfx.parseInternalValues({ password, checkIntegrity: true });
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new Error('no authenticated safe');
    const contents = safe.safeContents.map(() => ({ password }));
    await safe.parseInternalValues({ safeContents: contents });
    let keyDer: Uint8Array | undefined;
    const certs: Cert[] = [];
    for (const sc of safe.parsedValue?.safeContents ?? []) {
      for (const bag of sc.value.safeBags) {
        if (bag.bagId === KEY_BAG) {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          // Typed protected in pkijs 4, but it is the documented way to decrypt a shrouded key bag.
          await (shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }).parseInternalValues({
            password,
          });
          keyDer = new Uint8Array(shrouded.parsedValue?.toSchema().toBER() ?? new ArrayBuffer(0));
        } else if (bag.bagId === PLAIN_KEY_BAG) {
          keyDer = new Uint8Array((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER());
        } else if (bag.bagId === CERT_BAG) {
          const value = (bag.bagValue as pkijs.CertBag).parsedValue;
          if (value instanceof pkijs.Certificate) certs.push(certFromDer(new Uint8Array(value.toSchema().toBER())));
        }
      }
    }
    if (!keyDer || keyDer.length === 0) throw new Error('no private key in the P12');
    const privateKey = createPrivateKey({ key: Buffer.from(keyDer), format: 'der', type: 'pkcs8' });
    return checkKeyPair({ privateKey, chain: orderChain(certs, privateKey) });
  } catch (err) {
    if (err instanceof SigningError) throw err;
    throw new SigningError('credential_unreadable', `cannot open the P12 (wrong passphrase or damaged file): ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Signer (the certificate of the key) first, then its issuers in order. */
function orderChain(certs: Cert[], key: KeyObject): Cert[] {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const signer = certs.find((c) => c.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
  if (!signer) return certs;
  const chain = [signer];
  const rest = certs.filter((c) => c !== signer);
  for (let cur = signer; ; ) {
    const issuer = rest.find((c) => !chain.includes(c) && cur.x509.checkIssued(c.x509));
    if (!issuer) break;
    chain.push(issuer);
    cur = issuer;
  }
  return [...chain, ...rest.filter((c) => !chain.includes(c))];
}
