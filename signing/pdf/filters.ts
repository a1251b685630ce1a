import { inflateSync } from 'node:zlib';
import type { ByteSource } from './byte-source.js';
import { PdfDict, PdfName, PdfParseError, type PdfStream } from './objects.js';

/** A decompression bomb in an object stream must not take the process down. */
const MAX_DECODED = 64 * 1024 * 1024;
const MAX_ENCODED = 64 * 1024 * 1024;

/**
 * Decodes the streams the parser itself needs (xref and object streams): FlateDecode with or
 * without PNG predictors. Content streams are never decoded: signing does not need them.
 */
export function decodeStream(src: ByteSource, stream: PdfStream): Uint8Array {
  if (stream.dataLength > MAX_ENCODED) throw new PdfParseError('stream too large to decode', stream.dataStart);
  const raw = src.read(stream.dataStart, stream.dataLength);
  const filter = stream.dict.get('Filter');
  const filters = Array.isArray(filter) ? filter : filter === undefined ? [] : [filter];
  if (filters.length === 0) return raw;
  if (filters.length > 1 || !(filters[0] instanceof PdfName) || filters[0].name !== 'FlateDecode') {
    throw new PdfParseError('unsupported stream filter', stream.dataStart);
  }
  let data: Uint8Array;
  try {
    data = inflateSync(raw, { maxOutputLength: MAX_DECODED });
  } catch (err) {
    throw new PdfParseError(`cannot inflate stream: ${(err as Error).message}`, stream.dataStart);
  }
  let parms = stream.dict.get('DecodeParms');
  if (Array.isArray(parms)) parms = parms[0];
  return parms instanceof PdfDict ? unpredict(data, parms) : data;
}

function unpredict(data: Uint8Array, parms: PdfDict): Uint8Array {
  const predictor = num(parms.get('Predictor'), 1);
  if (predictor < 10) {
    if (predictor === 1) return data;
    throw new PdfParseError('unsupported predictor');
  }
  const colors = num(parms.get('Colors'), 1);
  const bpc = num(parms.get('BitsPerComponent'), 8);
  const columns = num(parms.get('Columns'), 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (rowLen <= 0 || rowLen > 1 << 20) throw new PdfParseError('bad predictor columns');
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  let prev = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)] ?? 0;
    const row = data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1));
    const cur = new Uint8Array(rowLen);
    for (let i = 0; i < rowLen; i++) {
      const left = i >= bpp ? (cur[i - bpp] ?? 0) : 0;
      const up = prev[i] ?? 0;
      const upLeft = i >= bpp ? (prev[i - bpp] ?? 0) : 0;
      const x = row[i] ?? 0;
      if (type === 0) cur[i] = x;
      else if (type === 1) cur[i] = x + left;
      else if (type === 2) cur[i] = x + up;
      else if (type === 3) cur[i] = x + ((left + up) >> 1);
      else if (type === 4) cur[i] = x + paeth(left, up, upLeft);
      else throw new PdfParseError('bad PNG predictor row type');
    }
    out.set(cur, r * rowLen);
    prev = cur;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
}
