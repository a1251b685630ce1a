import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.js';

/**
 * One certificate in the three forms the code needs: DER (hashing, ESS binding), pkijs (names,
 * extensions, CMS building) and Node's X509Certificate (signature checks with OpenSSL).
 */
export interface Cert {
  der: Uint8Array;
  pkijs: pkijs.Certificate;
  x509: X509Certificate;
  sha256: string;
}

export function certFromDer(der: Uint8Array): Cert {
  const copy = new Uint8Array(der);
  return {
    der: copy,
    pkijs: pkijs.Certificate.fromBER(copy),
    x509: new X509Certificate(Buffer.from(copy)),
    sha256: createHash('sha256').update(copy).digest('hex'),
  };
}

export function certsFromPem(pem: string): Cert[] {
  const out: Cert[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(certFromDer(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

export interface KeyUsage {
  present: boolean;
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyCertSign: boolean;
}

export function keyUsage(cert: Cert): KeyUsage {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === OID.keyUsage);
  if (!ext) return { present: false, digitalSignature: false, nonRepudiation: false, keyCertSign: false };
  const bits = ext.parsedValue instanceof asn1js.BitString ? ext.parsedValue.valueBlock.valueHexView : new Uint8Array();
  const b0 = bits[0] ?? 0;
  return { present: true, digitalSignature: (b0 & 0x80) !== 0, nonRepudiation: (b0 & 0x40) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
}

export function extendedKeyUsage(cert: Cert): { present: boolean; critical: boolean; purposes: string[] } {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  if (!ext) return { present: false, critical: false, purposes: [] };
  const purposes = ext.parsedValue instanceof pkijs.ExtKeyUsage ? ext.parsedValue.keyPurposes : [];
  return { present: true, critical: ext.critical, purposes };
}

export function isCa(cert: Cert): boolean {
  const ext = cert.pkijs.extensions?.find((e) => e.extnID === OID.basicConstraints);
  return ext?.parsedValue instanceof pkijs.BasicConstraints ? ext.parsedValue.cA === true : false;
}

/** RFC 4514-style subject, most specific RDN first, like `CN=Alice,O=Example Inc,C=BE`. */
export function subjectString(cert: Cert): string {
  return dnString(cert.pkijs.subject);
}

export function dnString(name: pkijs.RelativeDistinguishedNames): string {
  const short: Record<string, string> = {
    '2.5.4.3': 'CN',
    '2.5.4.6': 'C',
    '2.5.4.7': 'L',
    '2.5.4.8': 'ST',
    '2.5.4.10': 'O',
    '2.5.4.11': 'OU',
    '2.5.4.5': 'SERIALNUMBER',
    '1.2.840.113549.1.9.1': 'E',
  };
  return name.typesAndValues
    .map((tv) => {
      const key = short[tv.type] ?? tv.type;
      const raw = String((tv.value.valueBlock as { value?: unknown }).value ?? '');
      return `${key}=${raw.replace(/([,+"\\<>;])/g, '\\$1')}`;
    })
    .reverse()
    .join(',');
}

export const serialHex = (cert: Cert): string => cert.x509.serialNumber.toUpperCase();

export const validity = (cert: Cert) => ({ notBefore: new Date(cert.x509.validFrom), notAfter: new Date(cert.x509.validTo) });
