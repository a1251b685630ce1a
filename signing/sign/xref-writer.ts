import { PdfDict, PdfName, type PdfObject } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { serialize } from '../pdf/serialize.js';

export interface XrefInput {
  reader: PdfReader;
  /** Object number → where its new version starts in the updated file. */
  offsets: Map<number, { offset: number; gen: number }>;
  /** Absolute offset at which the cross-reference section will be written. */
  startAt: number;
  /** Free object number for an xref stream (used only in stream style). */
  nextNum: number;
}

/**
 * The update's cross-reference section, in the same style as the file's newest one: a file that
 * uses xref streams gets an xref stream (a classic table after it would be ignored by some
 * readers), a classic file gets a table. /Prev always points at the previous section.
 */
export function writeXref(input: XrefInput): Buffer {
  const { reader } = input;
  const last = reader.sections[0];
  if (!last) throw new Error('no previous cross-reference section');
  const prevTrailer = reader.trailer;
  const carried = new Map<string, PdfObject>();
  for (const key of ['Root', 'Info', 'ID']) {
    const v = prevTrailer.get(key);
    if (v !== undefined) carried.set(key, v);
  }
  if (last.kind === 'stream') return xrefStream(input, carried, last.offset);
  const entries = new Map(input.offsets);
  const size = Math.max(reader.size, ...[...entries.keys()].map((n) => n + 1));
  const trailer = new PdfDict(new Map<string, PdfObject>([['Size', size], ...carried, ['Prev', last.offset]]));
  let text = 'xref\n';
  for (const [start, nums] of groups([...entries.keys()])) {
    text += `${start} ${nums.length}\n`;
    for (const n of nums) {
      const e = entries.get(n);
      if (!e) continue;
      text += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
    }
  }
  text += `trailer\n${serialize(trailer)}\nstartxref\n${input.startAt}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

function xrefStream(input: XrefInput, carried: Map<string, PdfObject>, prev: number): Buffer {
  const entries = new Map(input.offsets);
  entries.set(input.nextNum, { offset: input.startAt, gen: 0 });
  const size = Math.max(input.reader.size, input.nextNum + 1);
  const index: number[] = [];
  const rows: Buffer[] = [];
  for (const [start, nums] of groups([...entries.keys()])) {
    index.push(start, nums.length);
    for (const n of nums) {
      const e = entries.get(n);
      const row = Buffer.alloc(8);
      row[0] = 1;
      // 5 offset bytes: files up to 1 TiB.
      row.writeUIntBE(e?.offset ?? 0, 1, 5);
      row.writeUInt16BE(e?.gen ?? 0, 6);
      rows.push(row);
    }
  }
  const data = Buffer.concat(rows);
  const dict = new PdfDict(
    new Map<string, PdfObject>([
      ['Type', new PdfName('XRef')],
      ['Size', size],
      ['Index', index],
      ['W', [1, 5, 2]],
      ...carried,
      ['Prev', prev],
      ['Length', data.length],
    ]),
  );
  return Buffer.concat([
    Buffer.from(`${input.nextNum} 0 obj\n${serialize(dict)}\nstream\n`, 'latin1'),
    data,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${input.startAt}\n%%EOF\n`, 'latin1'),
  ]);
}

/** Sorted object numbers in runs of consecutive numbers: [[start, [n, n+1, …]], …]. */
function groups(nums: number[]): Array<[number, number[]]> {
  const sorted = [...nums].sort((a, b) => a - b);
  const out: Array<[number, number[]]> = [];
  for (const n of sorted) {
    const cur = out[out.length - 1];
    if (cur && cur[1][cur[1].length - 1] === n - 1) cur[1].push(n);
    else out.push([n, [n]]);
  }
  return out;
}
