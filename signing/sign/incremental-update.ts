import { PdfDict, PdfName, type PdfObject, PdfParseError, PdfRef, PdfString } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { pdfDate, pdfText, serialize } from '../pdf/serialize.js';
import { fieldNames } from './field-names.js';
import { firstPageRef } from './first-page.js';
import { writeXref } from './xref-writer.js';

export interface SignatureUpdateInput {
  reader: PdfReader;
  fileSize: number;
  /** Whether the file's last byte is an end-of-line (else the update starts with one). */
  endsWithEol: boolean;
  /** Bytes reserved for the DER CMS; the hex placeholder is twice as long. */
  contentsBytes: number;
  signingTime: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  signerName?: string;
  fieldName?: string;
}

export interface SignatureUpdate {
  bytes: Buffer;
  fieldName: string;
  /** Absolute offsets in the signed file: `<` of /Contents and just after its `>`. */
  contentsStart: number;
  contentsEnd: number;
  byteRange: [number, number, number, number];
}

const BYTE_RANGE_WIDTH = 44;

/**
 * Builds the incremental update that adds one signature: a signature dictionary, a merged
 * field/widget annotation on page 1 (invisible), new versions of the page and of the catalog or
 * AcroForm, and a cross-reference section in the style of the file's last one with /Prev pointing
 * back. Every earlier byte stays as it was, so earlier signatures keep verifying.
 */
export function buildSignatureUpdate(input: SignatureUpdateInput): SignatureUpdate {
  const { reader } = input;
  const rootRef = reader.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new PdfParseError('trailer /Root is not a reference');
  const catalog = reader.catalog();
  const pageRef = firstPageRef(reader);
  const page = reader.dict(pageRef);
  if (!page) throw new PdfParseError('first page missing');

  const acroRaw = catalog.get('AcroForm');
  const acro = reader.dict(acroRaw) ?? new PdfDict();
  const fields = reader.array(acro.get('Fields')) ?? [];
  const taken = fieldNames(reader, fields);
  const fieldName = input.fieldName ?? nextFreeName(taken);
  if (taken.has(fieldName)) throw new PdfParseError(`a field named ${fieldName} exists already`);

  const sigNum = reader.size;
  const fieldNum = sigNum + 1;
  const sigRef = new PdfRef(sigNum, 0);
  const fieldRef = new PdfRef(fieldNum, 0);

  const widget = new PdfDict(
    new Map<string, PdfObject>([
      ['Type', new PdfName('Annot')],
      ['Subtype', new PdfName('Widget')],
      ['FT', new PdfName('Sig')],
      ['T', pdfText(fieldName)],
      ['V', sigRef],
      ['F', 132], // Print + Locked: the widget is part of the record, not something to edit.
      ['Rect', [0, 0, 0, 0]],
      ['P', pageRef],
    ]),
  );
  const annots = reader.array(page.get('Annots')) ?? [];
  const newPage = page.with('Annots', [...annots, fieldRef]);
  const newAcro = acro.with('Fields', [...fields, fieldRef]).with('SigFlags', 3);

  const objects: Array<{ num: number; gen: number; body: string }> = [];
  objects.push({ num: sigNum, gen: 0, body: '' }); // placeholder, filled below once offsets are known
  objects.push({ num: fieldNum, gen: 0, body: serialize(widget) });
  objects.push({ num: pageRef.num, gen: pageRef.gen, body: serialize(newPage) });
  if (acroRaw instanceof PdfRef) objects.push({ num: acroRaw.num, gen: acroRaw.gen, body: serialize(newAcro) });
  else objects.push({ num: rootRef.num, gen: rootRef.gen, body: serialize(catalog.with('AcroForm', newAcro)) });

  const contentsHex = '0'.repeat(input.contentsBytes * 2);
  const extra: string[] = [];
  if (input.reason) extra.push(`/Reason ${serialize(pdfText(input.reason))}`);
  if (input.location) extra.push(`/Location ${serialize(pdfText(input.location))}`);
  if (input.contactInfo) extra.push(`/ContactInfo ${serialize(pdfText(input.contactInfo))}`);
  if (input.signerName) extra.push(`/Name ${serialize(pdfText(input.signerName))}`);
  const sigHead = `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ${serialize(new PdfString(Buffer.from(pdfDate(input.signingTime), 'latin1')))}${extra.map((e) => ` ${e}`).join('')} /ByteRange [`;
  const sigMid = `] /Contents <`;
  const sigBody = `${sigHead}${' '.repeat(BYTE_RANGE_WIDTH)}${sigMid}${contentsHex}>>>`;
  const first = objects[0];
  if (first) first.body = sigBody;

  const chunks: Buffer[] = [];
  let pos = input.fileSize;
  const push = (b: Buffer) => {
    chunks.push(b);
    pos += b.length;
  };
  if (!input.endsWithEol) push(Buffer.from('\n'));
  const offsets = new Map<number, { offset: number; gen: number }>();
  let byteRangeAt = -1;
  let contentsStart = -1;
  for (const o of objects) {
    offsets.set(o.num, { offset: pos, gen: o.gen });
    const head = `${o.num} ${o.gen} obj\n`;
    if (o.num === sigNum) {
      byteRangeAt = pos + head.length + sigHead.length;
      contentsStart = byteRangeAt + BYTE_RANGE_WIDTH + sigMid.length - 1;
    }
    push(Buffer.from(`${head}${o.body}\nendobj\n`, 'latin1'));
  }
  const contentsEnd = contentsStart + contentsHex.length + 2;
  push(writeXref({ reader, offsets, startAt: pos, nextNum: fieldNum + 1 }));

  const total = pos;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, total - contentsEnd];
  const rangeText = byteRange.join(' ').padEnd(BYTE_RANGE_WIDTH, ' ');
  const bytes = Buffer.concat(chunks);
  bytes.write(rangeText, byteRangeAt - input.fileSize, 'latin1');
  return { bytes, fieldName, contentsStart, contentsEnd, byteRange };
}

function nextFreeName(taken: Set<string>): string {
  for (let i = 1; ; i++) if (!taken.has(`Signature${i}`)) return `Signature${i}`;
}
