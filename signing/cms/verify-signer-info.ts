import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Cert } from '../pki/certificate.js';
import { hashNameForOid, OID } from '../pki/oids.js';
import { attributeValue } from './parse-cms.js';

export interface SignerInfoCheck {
  /** The digest in the message-digest attribute equals the content digest. */
  digestValid: boolean;
  /** The signature value verifies with the signer certificate's key. */
  signatureValid: boolean;
  problems: string[];
}

/**
 * Checks one SignerInfo: with signed attributes, message-digest against `contentDigest` and the
 * signature over the DER SET of attributes; without, `verifyContent` checks the signature over
 * the content directly (it was fed the same bytes as the digest).
 */
export function checkSignerInfo(
  si: pkijs.SignerInfo,
  signer: Cert,
  contentDigest: Uint8Array,
  verifyContent?: (hash: string, key: KeyObject, sig: Uint8Array, opts: VerifyOpts) => boolean,
): SignerInfoCheck {
  const problems: string[] = [];
  const sig = new Uint8Array(si.signature.valueBlock.valueHexView);
  const alg = signatureAlgorithm(si);
  if (!alg)
    return {
      digestValid: false,
      signatureValid: false,
      problems: [`unsupported signature algorithm ${si.signatureAlgorithm.algorithmId}`],
    };
  const key = signer.x509.publicKey;
  if (si.signedAttrs) {
    const md = attributeValue(si.signedAttrs, OID.messageDigest);
    const digestValid = md instanceof asn1js.OctetString && Buffer.from(md.valueBlock.valueHexView).equals(Buffer.from(contentDigest));
    if (!digestValid) problems.push('message digest does not match the signed bytes (the document was changed after signing)');
    if (!attributeValue(si.signedAttrs, OID.contentType)) problems.push('signed attributes lack content-type');
    const data = Buffer.from(si.signedAttrs.encodedValue);
    const signatureValid = verifyWith(alg, data, key, sig);
    if (!signatureValid) problems.push('CMS signature does not verify (signed attributes altered or wrong key)');
    return { digestValid, signatureValid, problems };
  }
  const signatureValid = verifyContent ? verifyContent(alg.hash, key, sig, alg) : false;
  if (!signatureValid) problems.push('CMS signature over the content does not verify');
  return { digestValid: signatureValid, signatureValid, problems };
}

export interface VerifyOpts {
  hash: string;
  padding?: number;
  saltLength?: number;
}

export function verifyWith(alg: VerifyOpts, data: Uint8Array, key: KeyObject, sig: Uint8Array): boolean {
  try {
    const k = alg.padding === undefined ? key : { key, padding: alg.padding, saltLength: alg.saltLength };
    return cryptoVerify(alg.hash, data, k, sig);
  } catch {
    return false;
  }
}

/** The hash and padding that the SignerInfo's algorithms call for; undefined if unsupported. */
export function signatureAlgorithm(si: pkijs.SignerInfo): VerifyOpts | undefined {
  const sigOid = si.signatureAlgorithm.algorithmId;
  const digestHash = hashNameForOid(si.digestAlgorithm.algorithmId);
  if (sigOid === OID.rsaPss) {
    try {
      const params = new pkijs.RSASSAPSSParams({ schema: si.signatureAlgorithm.algorithmParams });
      const hash = hashNameForOid(params.hashAlgorithm.algorithmId) ?? 'sha1';
      return { hash, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength };
    } catch {
      return undefined;
    }
  }
  if (sigOid === OID.rsaEncryption || sigOid === '1.2.840.10045.2.1') return digestHash ? { hash: digestHash } : undefined;
  const hash = hashNameForOid(sigOid);
  return hash ? { hash } : undefined;
}
