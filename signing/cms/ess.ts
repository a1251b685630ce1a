import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Cert } from '../pki/certificate.js';
import { hashNameForOid, OID } from '../pki/oids.js';

/**
 * ESS signing-certificate(-v2) binds the signer certificate into the signed attributes, so a
 * signature cannot be re-attributed to another certificate carrying the same key (RFC 5035).
 * hashAlgorithm is left out for SHA-256: it is the DEFAULT, and DER forbids encoding defaults.
 */
export function signingCertificateV2(cert: Cert): asn1js.Sequence {
  const hash = createHash('sha256').update(cert.der).digest();
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.pkijs.issuer.toSchema()] })],
      }),
      new asn1js.Integer({ valueHex: cert.pkijs.serialNumber.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: hash }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

export type EssCheck = 'match' | 'mismatch' | 'unreadable';

/**
 * Checks the first ESSCertID(v2) of a signing-certificate attribute value against the signer
 * certificate: its hash, and its issuer/serial when present.
 */
export function checkEssCertId(value: asn1js.AsnType, cert: Cert, v2: boolean): EssCheck {
  try {
    const certs = (value as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = first.valueBlock.value;
    let i = 0;
    let hashName = v2 ? 'sha256' : 'sha1';
    if (v2 && parts[0] instanceof asn1js.Sequence) {
      const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
      const named = hashNameForOid(alg.algorithmId);
      if (!named) return 'unreadable';
      hashName = named;
      i = 1;
    }
    const hash = parts[i];
    if (!(hash instanceof asn1js.OctetString)) return 'unreadable';
    const expected = createHash(hashName).update(cert.der).digest();
    if (!Buffer.from(hash.valueBlock.valueHexView).equals(expected)) return 'mismatch';
    const issuerSerial = parts[i + 1];
    if (issuerSerial instanceof asn1js.Sequence) {
      const [names, serial] = issuerSerial.valueBlock.value;
      if (!(serial instanceof asn1js.Integer) || !serial.isEqual(cert.pkijs.serialNumber)) return 'mismatch';
      const dirName = (names as asn1js.Sequence | undefined)?.valueBlock.value[0] as asn1js.Constructed | undefined;
      const name = dirName?.valueBlock.value[0];
      if (name) {
        const issuer = new pkijs.RelativeDistinguishedNames({ schema: name });
        if (!issuer.isEqual(cert.pkijs.issuer)) return 'mismatch';
      }
    }
    return 'match';
  } catch {
    return 'unreadable';
  }
}

export const ESS_V1 = OID.signingCertificate;
export const ESS_V2 = OID.signingCertificateV2;
