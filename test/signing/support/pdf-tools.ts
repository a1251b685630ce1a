/** Runs the external tools the tests judge our output with, and pulls CMS/content out of a PDF. */
import { readFileSync, writeFileSync } from 'node:fs';
import { derLength } from '../../../signing/cms/parse-cms.js';
import { BufferSource } from '../../../signing/pdf/byte-source.js';
import { PdfReader } from '../../../signing/pdf/reader.js';
import { findSignatures } from '../../../signing/verify/find-signatures.js';
import { run } from './test-pki.js';

export interface PdfsigSignature {
  field: string;
  valid: boolean;
  total: boolean;
  type: string;
}

export function pdfsig(file: string): { status: number; signatures: PdfsigSignature[]; raw: string } {
  const r = run('pdfsig', [file]);
  const blocks = r.stdout.split(/^Signature #\d+:$/m).slice(1);
  const signatures = blocks.map((b) => ({
    field: /Signature Field Name: (.*)$/m.exec(b)?.[1]?.trim() ?? '',
    valid: /Signature Validation: Signature is Valid\./.test(b),
    total: /Total document signed/.test(b),
    type: /Signature Type: (.*)$/m.exec(b)?.[1]?.trim() ?? '',
  }));
  return { status: r.status, signatures, raw: r.stdout + r.stderr };
}

export const qpdfCheck = (file: string) => run('qpdf', ['--check', file]);

/** Writes `<prefix>.cms.der` and `<prefix>.content.bin` for the signature of `field`. */
export function extractSignature(file: string, field: string, prefix: string): { cms: string; content: string } {
  const bytes = readFileSync(file);
  const reader = PdfReader.open(new BufferSource(bytes));
  const sig = findSignatures(reader).find((s) => s.field === field);
  if (!sig?.contents) throw new Error(`no signature ${field}`);
  const [, a, b, c] = sig.byteRange as number[];
  const cms = sig.contents.bytes.subarray(0, derLength(sig.contents.bytes));
  writeFileSync(`${prefix}.cms.der`, cms);
  writeFileSync(`${prefix}.content.bin`, Buffer.concat([bytes.subarray(0, a), bytes.subarray(b as number, (b as number) + (c as number))]));
  return { cms: `${prefix}.cms.der`, content: `${prefix}.content.bin` };
}

/** Writes the B-T token (`.tst.der`) and the signature value it stamps (`.sigvalue.bin`). */
export async function extractTimestamp(cmsPath: string, prefix: string): Promise<{ token: string; data: string } | undefined> {
  const { parseCms, attributeValue } = await import('../../../signing/cms/parse-cms.js');
  const { OID } = await import('../../../signing/pki/oids.js');
  const cms = parseCms(readFileSync(cmsPath));
  const token = attributeValue(cms.signerInfo.unsignedAttrs, OID.signatureTimeStampToken);
  if (!token) return undefined;
  writeFileSync(`${prefix}.tst.der`, Buffer.from(token.toBER()));
  writeFileSync(`${prefix}.sigvalue.bin`, Buffer.from(cms.signerInfo.signature.valueBlock.valueHexView));
  return { token: `${prefix}.tst.der`, data: `${prefix}.sigvalue.bin` };
}
