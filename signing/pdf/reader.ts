import { BufferSource, type ByteSource } from './byte-source.js';
import { decodeStream } from './filters.js';
import { isDict, isInt, type PdfDict, type PdfObject, PdfParseError, PdfRef, PdfStream } from './objects.js';
import { ObjectParser } from './parser.js';
import { findStartXref, readXrefChain, type XrefEntry, type XrefSection } from './xref.js';

interface ObjStm {
  data: BufferSource;
  offsets: Map<number, number>;
}

/**
 * Read-only view of a PDF through its cross-reference sections. `asOf` gives the view of an
 * earlier revision, which is how the verifier compares what a signature covered with what came
 * after it. Nothing here writes: the signer appends, the verifier only reads.
 */
export class PdfReader {
  readonly table = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, PdfObject | undefined>();
  private readonly objStms = new Map<number, ObjStm>();
  private readonly resolving = new Set<number>();

  private constructor(
    readonly src: ByteSource,
    /** Newest first. */
    readonly sections: XrefSection[],
  ) {
    for (const s of sections) for (const [num, e] of s.entries) if (!this.table.has(num)) this.table.set(num, e);
  }

  static open(src: ByteSource): PdfReader {
    return new PdfReader(src, readXrefChain(src, findStartXref(src)));
  }

  /** The document as it was when section `index` (0 = newest) was the last one written. */
  asOf(index: number): PdfReader {
    return new PdfReader(this.src, this.sections.slice(index));
  }

  /**
   * The revision that ends at byte `end`: the sections written before it. Filtered by offset,
   * not cut from the chain, because a linearized file's first-page section sits at the start.
   */
  before(end: number): PdfReader {
    return new PdfReader(
      this.src,
      this.sections.filter((s) => s.offset < end),
    );
  }

  get trailer(): PdfDict {
    const first = this.sections[0];
    if (!first) throw new PdfParseError('no cross-reference section');
    return first.trailer;
  }

  /** Trailer /Size: the first object number an update may use. */
  get size(): number {
    const size = this.trailer.get('Size');
    let max = 0;
    for (const num of this.table.keys()) max = Math.max(max, num + 1);
    return Math.max(isInt(size) ? size : 0, max);
  }

  isEncrypted(): boolean {
    return this.sections.some((s) => s.trailer.get('Encrypt') !== undefined);
  }

  catalog(): PdfDict {
    const root = this.resolve(this.trailer.get('Root'));
    if (!isDict(root)) throw new PdfParseError('document catalog missing');
    return root;
  }

  resolve(value: PdfObject | undefined): PdfObject | undefined {
    return value instanceof PdfRef ? this.get(value) : value;
  }

  dict(value: PdfObject | undefined): PdfDict | undefined {
    const v = this.resolve(value);
    if (v instanceof PdfStream) return v.dict;
    return isDict(v) ? v : undefined;
  }

  array(value: PdfObject | undefined): PdfObject[] | undefined {
    const v = this.resolve(value);
    return Array.isArray(v) ? v : undefined;
  }

  get(ref: PdfRef): PdfObject | undefined {
    if (this.cache.has(ref.num)) return this.cache.get(ref.num);
    if (this.resolving.has(ref.num)) throw new PdfParseError(`reference cycle through object ${ref.num}`);
    this.resolving.add(ref.num);
    try {
      const value = this.load(ref);
      this.cache.set(ref.num, value);
      return value;
    } finally {
      this.resolving.delete(ref.num);
    }
  }

  /** Absolute file offset of an object stored directly in the file, or -1. */
  offsetOf(num: number): number {
    const e = this.table.get(num);
    return e?.type === 1 ? e.offset : -1;
  }

  private load(ref: PdfRef): PdfObject | undefined {
    const entry = this.table.get(ref.num);
    if (!entry || entry.type === 0) return undefined;
    if (entry.type === 1) {
      if (entry.gen !== ref.gen) return undefined;
      const p = new ObjectParser(this.src, entry.offset);
      return p.parseIndirect(ref, (r) => this.resolve(r)).value;
    }
    if (ref.gen !== 0) return undefined;
    const stm = this.objectStream(entry.stream);
    const at = stm.offsets.get(ref.num);
    if (at === undefined) throw new PdfParseError(`object ${ref.num} missing from object stream ${entry.stream}`);
    return new ObjectParser(stm.data, at).parseObject();
  }

  private objectStream(num: number): ObjStm {
    const cached = this.objStms.get(num);
    if (cached) return cached;
    const entry = this.table.get(num);
    if (entry?.type !== 1) throw new PdfParseError(`object stream ${num} is not a direct object`);
    const value = this.get(new PdfRef(num, entry.gen));
    if (!(value instanceof PdfStream) || value.dict.name('Type') !== 'ObjStm')
      throw new PdfParseError(`object ${num} is not an object stream`);
    const n = value.dict.get('N');
    const first = value.dict.get('First');
    if (!isInt(n) || !isInt(first) || n < 0 || first < 0) throw new PdfParseError(`object stream ${num} lacks /N or /First`);
    const data = new BufferSource(decodeStream(this.src, value));
    const header = new ObjectParser(data, 0, first);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const objNum = header.token();
      const off = header.token();
      if (objNum.kind !== 'number' || off.kind !== 'number') throw new PdfParseError(`object stream ${num} header is malformed`);
      offsets.set(objNum.value, first + off.value);
    }
    const stm = { data, offsets };
    this.objStms.set(num, stm);
    return stm;
  }
}
