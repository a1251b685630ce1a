import { createHash } from 'node:crypto';
import { derLength } from '../cms/parse-cms.js';
import { feedRanges } from '../pdf/digest-ranges.js';
import { checkTimestamp, parseTimestampToken } from '../tsa/timestamp-token.js';
import type { ByteRangeCheck } from './byte-range.js';
import type { SignatureFinding, VerifyContext } from './context.js';
import type { FoundSignature } from './find-signatures.js';

/** A document time-stamp (ETSI.RFC3161): the token's imprint is the digest of the ByteRanges. */
export async function checkDocTimestamp(
  ctx: VerifyContext,
  found: FoundSignature,
  br: ByteRangeCheck,
  finding: SignatureFinding,
): Promise<void> {
  const bytes = found.contents?.bytes ?? new Uint8Array();
  const ts = parseTimestampToken(bytes.subarray(0, derLength(bytes)));
  finding.signer = ts.tsaCert;
  finding.pool = ts.cms.certs;
  finding.claimedSigningTime = ts.genTime;
  if (!br.ranges) return;
  const hash = createHash(ts.imprintHash);
  await feedRanges(ctx.read, br.ranges, [hash]);
  const check = checkTimestamp(ts, hash.digest());
  finding.digestValid = check.imprintValid;
  finding.signatureValid = check.signatureValid;
  finding.problems.push(...check.problems);
  finding.timestamp = { time: ts.genTime, valid: check.imprintValid && check.signatureValid, problems: [] };
  finding.tsaCert = ts.tsaCert;
  finding.tsaPool = ts.cms.certs;
}
