import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { BufferSource, type ByteSource, FileSource } from '../pdf/byte-source.js';
import { bufferRangeReader, feedRanges, fileRangeReader, type RangeReader } from '../pdf/digest-ranges.js';
import { PdfReader } from '../pdf/reader.js';
import type { Cert } from '../pki/certificate.js';
import { checkByteRange } from './byte-range.js';
import { checkCmsSignature } from './check-cms-signature.js';
import { checkDocTimestamp } from './check-doc-timestamp.js';
import type { SignatureFinding, VerifyContext } from './context.js';
import { findSignatures } from './find-signatures.js';
import { judgeDocument } from './judge.js';
import type { VerificationReport } from './report.js';

export interface VerifyOptions {
  /** The only certificates a chain may end at. Empty: nothing is trusted. */
  trustAnchors: Cert[];
  /** "Now" for signatures without a time-stamp (tests move it). */
  now?: Date;
}

export async function verifyPdfFile(path: string, opts: VerifyOptions): Promise<VerificationReport> {
  const fh = await open(path, 'r');
  let src: ByteSource | undefined;
  try {
    src = new FileSource(path);
    return await verifySource(src, fileRangeReader(fh), opts);
  } finally {
    src?.close();
    await fh.close();
  }
}

export async function verifyPdfBytes(bytes: Uint8Array, opts: VerifyOptions): Promise<VerificationReport> {
  return verifySource(new BufferSource(bytes), bufferRangeReader(bytes), opts);
}

/**
 * Never throws on a hostile or broken file: every failure becomes a named problem, because the
 * verifier runs on every upload and its report is stored as evidence.
 */
async function verifySource(src: ByteSource, read: RangeReader, opts: VerifyOptions): Promise<VerificationReport> {
  const whole = createHash('sha256');
  await feedRanges(read, [[0, src.size]], [whole]);
  const sha256 = whole.digest('hex');
  const fail = (problem: string): VerificationReport => ({
    sha256,
    signatures: [],
    modifiedAfterLastSignature: false,
    valid: false,
    problems: [problem],
  });
  let reader: PdfReader;
  try {
    reader = PdfReader.open(src);
  } catch (err) {
    return fail(`the file cannot be read as a PDF: ${(err as Error).message}`);
  }
  const ctx: VerifyContext = { reader, src, read, anchors: opts.trustAnchors, now: opts.now ?? new Date() };
  let found: ReturnType<typeof findSignatures>;
  try {
    found = findSignatures(reader);
  } catch (err) {
    return fail(`the form fields cannot be read: ${(err as Error).message}`);
  }
  const findings: SignatureFinding[] = [];
  for (const f of found) {
    const subFilter = f.sig.name('SubFilter') ?? '';
    const finding: SignatureFinding = {
      field: f.field,
      subFilter,
      isDocTimestamp: subFilter === 'ETSI.RFC3161',
      end: 0,
      coversWholeDocument: false,
      digestValid: false,
      signatureValid: false,
      signer: undefined,
      pool: [],
      claimedSigningTime: undefined,
      timestamp: undefined,
      essBound: false,
      cades: subFilter === 'ETSI.CAdES.detached',
      problems: [],
    };
    try {
      const br = checkByteRange(f, src);
      finding.end = br.end;
      finding.coversWholeDocument = br.coversWholeDocument;
      finding.problems.push(...br.problems);
      if (finding.isDocTimestamp) await checkDocTimestamp(ctx, f, br, finding);
      else await checkCmsSignature(ctx, f, br, finding);
    } catch (err) {
      finding.problems.push(`signature cannot be checked: ${(err as Error).message}`);
    }
    findings.push(finding);
  }
  return judgeDocument(ctx, sha256, findings);
}
