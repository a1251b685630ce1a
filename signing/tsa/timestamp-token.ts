import { createHash } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkEssCertId, ESS_V1, ESS_V2 } from '../cms/ess.js';
import { attributeValue, findSignerCert, type ParsedCms, parseCms } from '../cms/parse-cms.js';
import { checkSignerInfo } from '../cms/verify-signer-info.js';
import { type Cert, extendedKeyUsage } from '../pki/certificate.js';
import { hashNameForOid, OID } from '../pki/oids.js';

export interface ParsedTimestamp {
  cms: ParsedCms;
  tstInfo: pkijs.TSTInfo;
  /** Node hash name of the message imprint, and the imprint itself. */
  imprintHash: string;
  imprint: Uint8Array;
  genTime: Date;
  tsaCert: Cert | undefined;
}

export function parseTimestampToken(der: Uint8Array): ParsedTimestamp {
  const cms = parseCms(der);
  const eci = cms.signedData.encapContentInfo;
  if (eci.eContentType !== OID.tstInfo || !eci.eContent) throw new Error('not a time-stamp token (no TSTInfo)');
  const tstInfo = pkijs.TSTInfo.fromBER(eContentBytes(eci.eContent));
  const imprintHash = hashNameForOid(tstInfo.messageImprint.hashAlgorithm.algorithmId);
  if (!imprintHash) throw new Error('unsupported message imprint algorithm');
  return {
    cms,
    tstInfo,
    imprintHash,
    imprint: new Uint8Array(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView),
    genTime: tstInfo.genTime,
    tsaCert: findSignerCert(cms.signerInfo, cms.certs),
  };
}

export interface TimestampCheck {
  imprintValid: boolean;
  signatureValid: boolean;
  problems: string[];
}

/**
 * Checks a token against the digest of what it claims to stamp: imprint, the TSA's CMS signature
 * over TSTInfo, the ESS binding of the TSA certificate and its critical timeStamping purpose.
 * Trust in the TSA certificate is decided by the caller's chain check.
 */
export function checkTimestamp(ts: ParsedTimestamp, dataDigest: Uint8Array): TimestampCheck {
  const problems: string[] = [];
  const imprintValid = Buffer.from(ts.imprint).equals(Buffer.from(dataDigest));
  if (!imprintValid) problems.push('time-stamp imprint does not match the stamped data');
  if (!ts.tsaCert)
    return { imprintValid, signatureValid: false, problems: [...problems, 'time-stamp token does not include the TSA certificate'] };
  const si = ts.cms.signerInfo;
  const hash = hashNameForOid(si.digestAlgorithm.algorithmId) ?? 'sha256';
  const eci = ts.cms.signedData.encapContentInfo;
  const contentDigest = createHash(hash)
    .update(Buffer.from(eContentBytes(eci.eContent as asn1js.OctetString)))
    .digest();
  const check = checkSignerInfo(si, ts.tsaCert, contentDigest);
  problems.push(...check.problems.map((p) => `time-stamp: ${p}`));
  const v2 = attributeValue(si.signedAttrs, ESS_V2);
  const v1 = attributeValue(si.signedAttrs, ESS_V1);
  const ess = v2 ? checkEssCertId(v2, ts.tsaCert, true) : v1 ? checkEssCertId(v1, ts.tsaCert, false) : 'match';
  if (ess !== 'match') problems.push('time-stamp signing-certificate attribute does not match the TSA certificate');
  const eku = extendedKeyUsage(ts.tsaCert);
  if (!eku.purposes.includes(OID.timeStamping) || !eku.critical)
    problems.push('TSA certificate lacks the critical timeStamping extended key usage');
  return { imprintValid, signatureValid: check.signatureValid && check.digestValid && ess === 'match', problems };
}

function eContentBytes(e: asn1js.OctetString): ArrayBuffer {
  const value = (e as asn1js.OctetString & { getValue?: () => ArrayBuffer }).getValue?.();
  return value ?? e.valueBlock.valueHexView.slice().buffer;
}
