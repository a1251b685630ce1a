import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildCadesSignature } from '../cms/build-cms.js';
import { SigningError } from '../errors.js';
import { FileSource } from '../pdf/byte-source.js';
import { digestRanges, fileRangeReader } from '../pdf/digest-ranges.js';
import { PdfParseError } from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';
import { subjectString } from '../pki/certificate.js';
import { assertUsableAt, type SigningCredential } from '../pki/credential.js';
import { requestTimestamp, type TsaOptions } from '../tsa/tsa-client.js';
import { assertSigningAllowed } from './docmdp.js';
import { buildSignatureUpdate, type SignatureUpdate } from './incremental-update.js';

export interface SignOptions {
  credential: SigningCredential;
  /** The claimed signing time written as /M; also the instant the certificate must be valid. */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  fieldName?: string;
  /** B-T: time-stamp the signature. Without it the signature is B-B. */
  tsa?: TsaOptions & {
    /** Policy switch: on TSA failure produce B-B instead of failing. Off by default (fail closed). */
    allowFallbackToBB?: boolean;
  };
}

export interface SignResult {
  level: 'B-B' | 'B-T';
  fieldName: string;
  byteRange: [number, number, number, number];
  size: number;
  timestamp?: { time: string };
  /** Set when a TSA was asked for but failed and the policy allowed B-B instead. */
  timestampFallback?: { reason: string };
}

/**
 * Signs `inputPath` into `outputPath` as PAdES B-B/B-T by appending an incremental update. The
 * input is copied (copy_file_range, no buffering), the update appended, the ByteRange digest
 * streamed from disk and the CMS patched into /Contents with a positional write, so memory does
 * not grow with file size. The output appears atomically (rename) or not at all.
 */
export async function signPdfFile(inputPath: string, outputPath: string, opts: SignOptions): Promise<SignResult> {
  const signingTime = opts.signingTime ?? new Date();
  assertUsableAt(opts.credential, signingTime);
  const [signer] = opts.credential.chain;
  const update = planUpdate(inputPath, opts, signingTime, signer ? subjectString(signer) : undefined);
  const tmp = join(dirname(outputPath), `.${randomBytes(6).toString('hex')}.arkiv-sign.part`);
  try {
    await copyFile(inputPath, tmp);
    const fh = await open(tmp, 'r+');
    let result: SignResult;
    try {
      const [, a, b, c] = update.plan.byteRange;
      const base = update.fileSize;
      await fh.write(update.plan.bytes, 0, update.plan.bytes.length, base);
      const digest = await digestRanges(fileRangeReader(fh), [
        [0, a],
        [b, c],
      ]);
      const { cms, level, timestamp, fallback } = await buildSignature(opts, digest);
      const hex = Buffer.from(Buffer.from(cms).toString('hex'), 'latin1');
      if (hex.length > b - a - 2)
        throw new SigningError('signature_too_large', `CMS of ${cms.length} bytes does not fit the reserved space`);
      await fh.write(hex, 0, hex.length, a + 1);
      await fh.sync();
      result = { level, fieldName: update.plan.fieldName, byteRange: update.plan.byteRange, size: base + update.plan.bytes.length };
      if (timestamp) result.timestamp = { time: timestamp.toISOString() };
      if (fallback) result.timestampFallback = { reason: fallback };
    } finally {
      await fh.close();
    }
    await rename(tmp, outputPath);
    return result;
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Convenience for small in-memory PDFs (tests, generated documents): same code path via a temp dir. */
export async function signPdfBytes(pdf: Uint8Array, opts: SignOptions): Promise<{ pdf: Buffer; result: SignResult }> {
  const dir = await mkdtemp(join(tmpdir(), 'arkiv-sign-'));
  try {
    await writeFile(join(dir, 'in.pdf'), pdf);
    const result = await signPdfFile(join(dir, 'in.pdf'), join(dir, 'out.pdf'), opts);
    return { pdf: await readFile(join(dir, 'out.pdf')), result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function planUpdate(inputPath: string, opts: SignOptions, signingTime: Date, signerName: string | undefined) {
  const src = new FileSource(inputPath);
  try {
    const reader = PdfReader.open(src);
    if (reader.isEncrypted()) throw new SigningError('pdf_encrypted', 'encrypted PDFs cannot be signed');
    assertSigningAllowed(reader);
    const last = src.read(src.size - 1, 1)[0];
    const plan: SignatureUpdate = buildSignatureUpdate({
      reader,
      fileSize: src.size,
      endsWithEol: last === 0x0a || last === 0x0d,
      contentsBytes: reserveFor(opts),
      signingTime,
      reason: opts.reason,
      location: opts.location,
      contactInfo: opts.contactInfo,
      signerName: signerName?.match(/CN=([^,]+)/)?.[1],
      fieldName: opts.fieldName,
    });
    return { plan, fileSize: src.size };
  } catch (err) {
    if (err instanceof SigningError) throw err;
    if (err instanceof PdfParseError) throw new SigningError('pdf_unreadable', `cannot read the PDF: ${err.message}`, { cause: err });
    throw err;
  } finally {
    src.close();
  }
}

/** Room for the CMS: the chain, a 4096-bit signature, attributes, and a TSA token with its chain. */
function reserveFor(opts: SignOptions): number {
  const certs = opts.credential.chain.reduce((n, c) => n + c.der.length, 0);
  return certs + 4096 + (opts.tsa ? 16384 : 0);
}

async function buildSignature(opts: SignOptions, digest: Uint8Array) {
  const credential = opts.credential;
  if (!opts.tsa) return { cms: await buildCadesSignature({ credential, contentDigest: digest }), level: 'B-B' as const };
  const tsa = opts.tsa;
  let genTime: Date | undefined;
  try {
    const cms = await buildCadesSignature({
      credential,
      contentDigest: digest,
      timestamp: async (sig) => {
        const r = await requestTimestamp(sig, tsa);
        genTime = r.genTime;
        return r.token;
      },
    });
    return { cms, level: 'B-T' as const, timestamp: genTime };
  } catch (err) {
    if (!(err instanceof SigningError && err.code === 'tsa_failed') || !tsa.allowFallbackToBB) throw err;
    const cms = await buildCadesSignature({ credential, contentDigest: digest });
    return { cms, level: 'B-B' as const, fallback: err.message };
  }
}
