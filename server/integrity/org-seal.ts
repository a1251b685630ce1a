import { currentSealKey, type SealDeps, type SealMaterial } from '../../archive/seals/seals.js';
import { AppError } from '../../core/errors.js';
import { assertUsableAt, credentialFromPem, isSigningError, loadP12, type SigningCredential } from '../../signing/index.js';
import { subjectString, validity } from '../../signing/pki/certificate.js';

/**
 * Reads an uploaded seal P12 with the signing module and refuses, with the module's stable code
 * (400), one that could only produce reports every verifier rejects: unreadable, wrong key,
 * expired or not yet valid, no signing key usage.
 */
export async function readSealP12(p12Base64: string, passphrase: string, now: Date): Promise<SealMaterial> {
  try {
    const credential = await loadP12(Buffer.from(p12Base64, 'base64'), passphrase);
    assertUsableAt(credential, now);
    const [cert] = credential.chain as [SigningCredential['chain'][number]];
    return {
      subject: subjectString(cert),
      certSha256: cert.sha256,
      chainPem: credential.chain.map((c) => c.x509.toString()).join(''),
      keyPem: credential.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      notAfter: validity(cert).notAfter,
    };
  } catch (err) {
    if (isSigningError(err)) throw new AppError(err.code, err.message, { status: 400 });
    throw err;
  }
}

/**
 * The credential that signs an organization's integrity report: its newest usable registered
 * seal; only when it has none, the server-wide seal from ARKIV_INTEGRITY_SEAL_P12 (`fallback`);
 * null when neither exists (the run then has its JSON report only).
 */
export function reportSealer(deps: Pick<SealDeps, 'db' | 'clock' | 'masterKey'>, fallback: () => Promise<SigningCredential | null>) {
  return async (orgId: string): Promise<SigningCredential | null> => {
    const own = await currentSealKey(deps, orgId);
    return own ? credentialFromPem(own.keyPem, own.chainPem) : fallback();
  };
}
