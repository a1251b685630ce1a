import { createHash, createVerify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { checkEssCertId, ESS_V1, ESS_V2 } from '../cms/ess.js';
import { attributeCount, attributeValue, derLength, findSignerCert, parseCms } from '../cms/parse-cms.js';
import { checkSignerInfo, signatureAlgorithm, type VerifyOpts } from '../cms/verify-signer-info.js';
import { feedRanges } from '../pdf/digest-ranges.js';
import { PdfString } from '../pdf/objects.js';
import { parsePdfDate } from '../pdf/serialize.js';
import { hashNameForOid, OID } from '../pki/oids.js';
import { checkTimestamp, parseTimestampToken } from '../tsa/timestamp-token.js';
import type { ByteRangeCheck } from './byte-range.js';
import type { SignatureFinding, VerifyContext } from './context.js';
import type { FoundSignature } from './find-signatures.js';

/** A CMS signature (adbe.pkcs7.detached / ETSI.CAdES.detached): digest, signature, ESS, time-stamp. */
export async function checkCmsSignature(
  ctx: VerifyContext,
  found: FoundSignature,
  br: ByteRangeCheck,
  finding: SignatureFinding,
): Promise<void> {
  const m = found.sig.get('M');
  finding.claimedSigningTime = m instanceof PdfString ? parsePdfDate(m.text()) : undefined;
  const bytes = found.contents?.bytes ?? new Uint8Array();
  const cms = parseCms(bytes.subarray(0, derLength(bytes)));
  const si = cms.signerInfo;
  finding.pool = cms.certs;
  const signer = findSignerCert(si, cms.certs);
  finding.signer = signer;
  if (!signer) {
    finding.problems.push('the signer certificate is not included in the signature');
    return;
  }
  const digestName = hashNameForOid(si.digestAlgorithm.algorithmId);
  const alg = signatureAlgorithm(si);
  if (!digestName || !alg) {
    finding.problems.push(
      `unsupported digest or signature algorithm (${si.digestAlgorithm.algorithmId}, ${si.signatureAlgorithm.algorithmId})`,
    );
    return;
  }
  if (!br.ranges) return;
  const eContent = cms.signedData.encapContentInfo.eContent;
  const hash = createHash(digestName);
  const direct = si.signedAttrs ? undefined : createVerify(alg.hash);
  // An empty eContent is treated as detached, as other verifiers do.
  if (eContent && eContent.getValue().byteLength > 0) {
    // Encapsulated content: what is signed is eContent, and it must be the ByteRange bytes.
    const inner = Buffer.from(eContent.getValue());
    const rangeHash = createHash('sha256');
    await feedRanges(ctx.read, br.ranges, [rangeHash]);
    if (!createHash('sha256').update(inner).digest().equals(rangeHash.digest())) {
      finding.problems.push('encapsulated content is not the signed byte ranges');
    }
    hash.update(inner);
    direct?.update(inner);
  } else {
    await feedRanges(ctx.read, br.ranges, direct ? [hash, direct] : [hash]);
  }
  const verifyContent = (_h: string, key: KeyObject, sig: Uint8Array, opts: VerifyOpts) => {
    try {
      return direct?.verify(opts.padding === undefined ? key : { key, padding: opts.padding, saltLength: opts.saltLength }, sig) ?? false;
    } catch {
      return false;
    }
  };
  const check = checkSignerInfo(si, signer, hash.digest(), verifyContent);
  finding.digestValid = check.digestValid;
  finding.signatureValid = check.signatureValid;
  finding.problems.push(...check.problems);

  const v2Count = attributeCount(si.signedAttrs, ESS_V2);
  const v2 = attributeValue(si.signedAttrs, ESS_V2);
  const v1 = attributeValue(si.signedAttrs, ESS_V1);
  const ess = v2 ? checkEssCertId(v2, signer, true) : v1 ? checkEssCertId(v1, signer, false) : undefined;
  if (ess === 'mismatch')
    finding.problems.push('signing-certificate attribute does not match the signer certificate (certificate substitution?)');
  if (ess === 'unreadable') finding.problems.push('signing-certificate attribute cannot be read');
  if (v2Count > 1) finding.problems.push('more than one signing-certificate-v2 attribute');
  finding.essBound = ess === 'match';
  if (finding.cades && !ess) finding.problems.push('ETSI.CAdES.detached signature without a signing-certificate attribute');
  const signingTime = attributeValue(si.signedAttrs, OID.signingTime);
  if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime)
    finding.claimedSigningTime ??= signingTime.toDate();

  const token = attributeValue(si.unsignedAttrs, OID.signatureTimeStampToken);
  if (token) {
    try {
      const ts = parseTimestampToken(new Uint8Array(token.toBER()));
      const sigValue = si.signature.valueBlock.valueHexView;
      const tsCheck = checkTimestamp(ts, createHash(ts.imprintHash).update(sigValue).digest());
      finding.timestamp = { time: ts.genTime, valid: tsCheck.imprintValid && tsCheck.signatureValid, problems: tsCheck.problems };
      finding.tsaCert = ts.tsaCert;
      finding.tsaPool = ts.cms.certs;
    } catch (err) {
      finding.timestamp = { time: new Date(0), valid: false, problems: [`signature time-stamp unreadable: ${(err as Error).message}`] };
    }
  }
}
