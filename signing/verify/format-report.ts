import type { VerificationReport } from './report.js';
import { signatureOk } from './report.js';

/** Human-readable form of the verification report (the JSON form is the contract). */
export function formatReport(r: VerificationReport): string {
  const lines = [`sha256 ${r.sha256}`];
  for (const p of r.problems) lines.push(`! ${p}`);
  r.signatures.forEach((s, i) => {
    lines.push(`signature #${i + 1} ${s.field} (${s.subFilter}) — ${signatureOk(s) ? 'VALID' : 'NOT VALID'}, level ${s.level}`);
    if (s.signer) lines.push(`  signer        ${s.signer.subject} (serial ${s.signer.serialNumber})`);
    if (s.claimedSigningTime) lines.push(`  claimed time  ${s.claimedSigningTime}`);
    if (s.timestamp) lines.push(`  time-stamp    ${s.timestamp.time} (${s.timestamp.valid ? 'valid' : 'not valid'})`);
    lines.push(
      `  covers whole document: ${yes(s.coversWholeDocument)}; digest: ${yes(s.digestValid)}; signature: ${yes(s.signatureValid)}; chain trusted: ${yes(s.chainTrusted)}`,
    );
    for (const p of s.problems) lines.push(`  ! ${p}`);
  });
  lines.push(`modified after last signature: ${yes(r.modifiedAfterLastSignature)}`);
  lines.push(r.valid ? 'RESULT: every signature is valid and trusted' : 'RESULT: NOT VALID');
  return lines.join('\n');
}

const yes = (b: boolean) => (b ? 'yes' : 'no');
