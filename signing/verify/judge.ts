import { keyUsage, serialHex, subjectString } from '../pki/certificate.js';
import { buildChain, validityProblems } from '../pki/chain.js';
import { analyzeChangesAfter, type ChangeAnalysis } from './changes.js';
import type { SignatureFinding, VerifyContext } from './context.js';
import { signatureLevel } from './level.js';
import { type SignatureReport, signatureOk, type VerificationReport } from './report.js';

/**
 * The document-wide pass: trust (chains to the configured anchors only), validity at the trusted
 * time, time-stamps, changes made after each signature, and the level reached.
 */
export function judgeDocument(ctx: VerifyContext, sha256: string, findings: SignatureFinding[]): VerificationReport {
  const sorted = [...findings].sort((a, b) => a.end - b.end);
  const analyses = new Map<number, ChangeAnalysis>();
  const changesAfter = (end: number) => {
    let a = analyses.get(end);
    if (!a) {
      try {
        a = analyzeChangesAfter(ctx.reader, end);
      } catch (err) {
        a = { disallowed: [`later revisions cannot be read: ${(err as Error).message}`], unexplainedTail: undefined };
      }
      analyses.set(end, a);
    }
    return a;
  };
  // Time-stamps first: a document time-stamp can supply the trusted time of the signatures it covers.
  for (const f of sorted) trustTimestamp(ctx, f);
  const docStamps = sorted.filter((f) => f.isDocTimestamp && f.timestamp?.valid && f.digestValid);

  const signatures: SignatureReport[] = sorted.map((f) => {
    const problems = [...f.problems];
    let chainTrusted = false;
    if (f.signer) {
      const covering = docStamps.filter((d) => d.end > f.end).map((d) => d.timestamp?.time as Date);
      const own = f.timestamp?.valid ? f.timestamp.time : undefined;
      const candidates = [own, ...covering].filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime());
      const trustedTime = candidates[0];
      const label = trustedTime ? 'time-stamp time' : 'current time, no time-stamp';
      const chain = buildChain(f.signer, f.pool, ctx.anchors);
      chainTrusted = chain.trusted;
      problems.push(...chain.problems);
      const expiry = validityProblems(chain.path, trustedTime ?? ctx.now, label);
      problems.push(...expiry);
      if (expiry.length > 0 && f.timestamp?.untrusted)
        problems.push(...f.timestamp.untrusted.map((p) => `the time-stamp cannot prove an earlier time: ${p}`));
      if (!f.isDocTimestamp) {
        const ku = keyUsage(f.signer);
        if (ku.present && !ku.digitalSignature && !ku.nonRepudiation)
          problems.push('signer certificate lacks the digitalSignature/nonRepudiation key usage');
      }
    }
    if (f.timestamp && !f.isDocTimestamp) problems.push(...f.timestamp.problems);
    if (f.isDocTimestamp && f.timestamp?.untrusted) {
      chainTrusted = false;
      problems.push(...f.timestamp.untrusted.filter((p) => !problems.includes(p)));
    }
    if (f.end > 0 && !f.coversWholeDocument) {
      const a = changesAfter(f.end);
      problems.push(...a.disallowed);
      if (a.unexplainedTail) problems.push(a.unexplainedTail);
    }
    return {
      field: f.field,
      subFilter: f.subFilter,
      signer: f.signer ? { subject: subjectString(f.signer), serialNumber: serialHex(f.signer), certSha256: f.signer.sha256 } : null,
      claimedSigningTime: f.claimedSigningTime ? f.claimedSigningTime.toISOString() : null,
      timestamp: f.timestamp ? { time: f.timestamp.time.toISOString(), valid: f.timestamp.valid } : null,
      level: signatureLevel(ctx, f, docStamps, problems),
      coversWholeDocument: f.coversWholeDocument,
      digestValid: f.digestValid,
      signatureValid: f.signatureValid,
      chainTrusted,
      problems,
    };
  });

  const docProblems: string[] = [];
  let modifiedAfterLastSignature = false;
  const lastEnd = Math.max(0, ...sorted.map((f) => f.end));
  if (sorted.length === 0) docProblems.push('the document has no signatures');
  else if (lastEnd > 0 && lastEnd < ctx.src.size) {
    const a = changesAfter(lastEnd);
    modifiedAfterLastSignature = a.disallowed.length > 0 || a.unexplainedTail !== undefined;
    if (modifiedAfterLastSignature) docProblems.push('the document was modified after the last signature');
  }
  const valid = signatures.length > 0 && signatures.every(signatureOk) && !modifiedAfterLastSignature && docProblems.length === 0;
  return { sha256, signatures, modifiedAfterLastSignature, valid, problems: docProblems };
}

/** A time-stamp counts only if its TSA chains to an anchor and was valid at the stamped time. */
function trustTimestamp(ctx: VerifyContext, f: SignatureFinding): void {
  const ts = f.timestamp;
  if (!ts) return;
  if (!f.tsaCert) {
    ts.valid = false;
    return;
  }
  const chain = buildChain(f.tsaCert, f.tsaPool ?? [], ctx.anchors);
  const problems = [...chain.problems, ...validityProblems(chain.path, ts.time, 'time-stamp time')];
  if (!chain.trusted || problems.length > 0) {
    // An untrusted TSA does not make the signature wrong; it only gives no trusted time.
    ts.valid = false;
    ts.untrusted = problems;
  }
}
