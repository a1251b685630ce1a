import type { ByteSource } from './byte-source.js';
import { decodeStream } from './filters.js';
import { isInt, PdfDict, PdfParseError, PdfStream } from './objects.js';
import { ObjectParser } from './parser.js';

export type XrefEntry = { type: 0 } | { type: 1; offset: number; gen: number } | { type: 2; stream: number; index: number };

/** One cross-reference section: one revision of the file (the original or an incremental update). */
export interface XrefSection {
  /** Where the section starts (the `xref` keyword or the xref stream object). */
  offset: number;
  kind: 'table' | 'stream';
  entries: Map<number, XrefEntry>;
  trailer: PdfDict;
}

const MAX_SECTIONS = 1000;
const MAX_ENTRIES = 8_000_000;

/** Offset named by the last `startxref` in the file's tail. */
export function findStartXref(src: ByteSource): number {
  const tailLen = Math.min(src.size, 4096);
  const tail = Buffer.from(src.read(src.size - tailLen, tailLen)).toString('latin1');
  const at = tail.lastIndexOf('startxref');
  if (at < 0) throw new PdfParseError('no startxref in the last 4 KiB');
  const m = /^startxref\s+(\d+)/.exec(tail.slice(at));
  if (!m?.[1]) throw new PdfParseError('startxref without an offset');
  return Number(m[1]);
}

/** Every xref section reachable through /Prev (and /XRefStm), newest first. */
export function readXrefChain(src: ByteSource, startxref: number): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let next: number | undefined = startxref;
  while (next !== undefined) {
    if (seen.has(next)) throw new PdfParseError('/Prev chain loops', next);
    if (sections.length >= MAX_SECTIONS) throw new PdfParseError('too many xref sections');
    seen.add(next);
    const section = readSection(src, locateSection(src, next));
    sections.push(section);
    const prev = section.trailer.get('Prev');
    next = isInt(prev) ? prev : undefined;
  }
  return sections;
}

/** Tolerates a startxref that is off by a few bytes, as some writers produce. */
function locateSection(src: ByteSource, offset: number): number {
  if (offset < 0 || offset >= src.size) throw new PdfParseError('startxref points outside the file', offset);
  const from = Math.max(0, offset - 16);
  const text = Buffer.from(src.read(from, 48)).toString('latin1');
  const direct = text.slice(offset - from);
  if (/^\s*(xref|\d+\s+\d+\s+obj)/.test(direct)) return offset + (direct.length - direct.trimStart().length);
  const m = /(xref|\d+\s+\d+\s+obj)/.exec(text);
  if (m && m.index !== undefined) return from + m.index;
  throw new PdfParseError('startxref does not point at a cross-reference section', offset);
}

function readSection(src: ByteSource, offset: number): XrefSection {
  const p = new ObjectParser(src, offset);
  const first = p.token();
  if (first.kind === 'keyword' && first.value === 'xref') {
    const section = readTable(p, offset);
    const stm = section.trailer.get('XRefStm');
    if (isInt(stm)) {
      // Hybrid file: the table wins, the stream fills in objects kept in object streams.
      const extra = readStreamSection(src, locateSection(src, stm));
      for (const [num, e] of extra.entries) if (!section.entries.has(num)) section.entries.set(num, e);
    }
    return section;
  }
  return readStreamSection(src, offset);
}

function readTable(p: ObjectParser, offset: number): XrefSection {
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    const t = p.token();
    if (t.kind === 'keyword' && t.value === 'trailer') break;
    const count = p.token();
    if (t.kind !== 'number' || count.kind !== 'number' || t.value < 0 || count.value < 0) {
      throw new PdfParseError('malformed xref subsection header', t.start);
    }
    if (entries.size + count.value > MAX_ENTRIES) throw new PdfParseError('xref table too large', t.start);
    for (let i = 0; i < count.value; i++) {
      const off = p.token();
      const gen = p.token();
      const kind = p.token();
      if (off.kind !== 'number' || gen.kind !== 'number' || kind.kind !== 'keyword' || (kind.value !== 'n' && kind.value !== 'f')) {
        throw new PdfParseError('malformed xref entry', off.start);
      }
      const num = t.value + i;
      entries.set(num, kind.value === 'n' ? { type: 1, offset: off.value, gen: gen.value } : { type: 0 });
    }
  }
  const trailer = p.parseObject();
  if (!(trailer instanceof PdfDict)) throw new PdfParseError('trailer is not a dictionary', offset);
  return { offset, kind: 'table', entries, trailer };
}

function readStreamSection(src: ByteSource, offset: number): XrefSection {
  const p = new ObjectParser(src, offset);
  const { value } = p.parseIndirect(null, () => undefined);
  if (!(value instanceof PdfStream) || value.dict.name('Type') !== 'XRef') {
    throw new PdfParseError('expected a cross-reference stream', offset);
  }
  const dict = value.dict;
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => isInt(x) && x >= 0 && x <= 8) || !isInt(size)) {
    throw new PdfParseError('bad /W or /Size in xref stream', offset);
  }
  const [w0, w1, w2] = w as number[];
  const index = dict.get('Index') ?? [0, size];
  if (!Array.isArray(index) || index.length % 2 !== 0 || !index.every(isInt)) throw new PdfParseError('bad /Index', offset);
  const data = decodeStream(src, value);
  const rowLen = (w0 ?? 0) + (w1 ?? 0) + (w2 ?? 0);
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  for (let k = 0; k < index.length; k += 2) {
    const start = index[k] as number;
    const count = index[k + 1] as number;
    if (count > MAX_ENTRIES) throw new PdfParseError('xref stream too large', offset);
    for (let i = 0; i < count; i++, row++) {
      const at = row * rowLen;
      if (at + rowLen > data.length) throw new PdfParseError('xref stream shorter than its /Index', offset);
      const type = w0 === 0 ? 1 : field(data, at, w0 ?? 0);
      const f2 = field(data, at + (w0 ?? 0), w1 ?? 0);
      const f3 = field(data, at + (w0 ?? 0) + (w1 ?? 0), w2 ?? 0);
      if (type === 1) entries.set(start + i, { type: 1, offset: f2, gen: f3 });
      else if (type === 2) entries.set(start + i, { type: 2, stream: f2, index: f3 });
      else if (type === 0) entries.set(start + i, { type: 0 });
    }
  }
  return { offset, kind: 'stream', entries, trailer: dict };
}

function field(data: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + (data[at + i] ?? 0);
  return v;
}
