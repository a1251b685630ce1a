import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Cert, certFromDer } from '../pki/certificate.js';
import { OID } from '../pki/oids.js';

export interface ParsedCms {
  signedData: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  /** Certificates carried in the CMS (unreadable ones skipped). */
  certs: Cert[];
}

/**
 * Parses a CMS ContentInfo holding SignedData with exactly one SignerInfo. /Contents is padded
 * with zeros after the DER, so only the first TLV is read.
 */
export function parseCms(der: Uint8Array): ParsedCms {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new Error('CMS is not valid BER');
  const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  if (contentInfo.contentType !== OID.signedData) throw new Error('CMS is not SignedData');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.signerInfos.length !== 1) throw new Error(`CMS has ${signedData.signerInfos.length} SignerInfos, expected one`);
  const signerInfo = signedData.signerInfos[0] as pkijs.SignerInfo;
  const certs: Cert[] = [];
  for (const c of signedData.certificates ?? []) {
    if (!(c instanceof pkijs.Certificate)) continue;
    try {
      certs.push(certFromDer(new Uint8Array(c.toSchema().toBER())));
    } catch {
      // An unreadable extra certificate only matters if it was the signer's; that is caught later.
    }
  }
  return { signedData, signerInfo, certs };
}

/** The certificate a SignerInfo names (issuer+serial, or subject key identifier). */
export function findSignerCert(si: pkijs.SignerInfo, certs: Cert[]): Cert | undefined {
  const sid = si.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.pkijs.issuer.isEqual(sid.issuer) && c.pkijs.serialNumber.isEqual(sid.serialNumber));
  }
  const keyId = Buffer.from(
    sid instanceof asn1js.Constructed
      ? ((sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView ?? [])
      : ((sid as asn1js.OctetString).valueBlock?.valueHexView ?? []),
  );
  return certs.find((c) => {
    const ext = c.pkijs.extensions?.find((e) => e.extnID === '2.5.29.14');
    return ext?.parsedValue instanceof asn1js.OctetString && Buffer.from(ext.parsedValue.valueBlock.valueHexView).equals(keyId);
  });
}

export function attributeValue(attrs: pkijs.SignedAndUnsignedAttributes | undefined, oid: string): asn1js.AsnType | undefined {
  return attrs?.attributes.find((a) => a.type === oid)?.values[0];
}

export function attributeCount(attrs: pkijs.SignedAndUnsignedAttributes | undefined, oid: string): number {
  return attrs?.attributes.filter((a) => a.type === oid).length ?? 0;
}

/** Length of the first DER TLV in `bytes` (so trailing zero padding can be cut). */
export function derLength(bytes: Uint8Array): number {
  if (bytes.length < 2) return bytes.length;
  const first = bytes[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) return bytes.length;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (bytes[2 + i] ?? 0);
  return Math.min(bytes.length, 2 + n + len);
}
