/**
 * The PDF object model of Arkiv's own small parser. It exists because signing and verification
 * must read a PDF without ever rewriting it: every value remembers nothing but what it is, except
 * strings parsed straight from the file, which keep their byte span so the verifier can check that
 * a ByteRange gap is exactly the /Contents string.
 */
export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    /** Absolute offsets of the token in the source (start of `<`/`(`, end after `>`/`)`). */
    readonly start = -1,
    readonly end = -1,
  ) {}
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = '';
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
      return s;
    }
    return Buffer.from(b).toString('latin1');
  }
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  key(): string {
    return `${this.num} ${this.gen}`;
  }
}

export class PdfDict {
  constructor(readonly map: Map<string, PdfObject> = new Map()) {}
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  name(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
  with(key: string, value: PdfObject): PdfDict {
    const copy = new Map(this.map);
    copy.set(key, value);
    return new PdfDict(copy);
  }
}

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** Absolute offset of the first data byte and the raw (still encoded) length. */
    readonly dataStart: number,
    readonly dataLength: number,
  ) {}
}

export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream;

export class PdfParseError extends Error {
  constructor(
    message: string,
    readonly offset = -1,
  ) {
    super(offset >= 0 ? `${message} at byte ${offset}` : message);
    this.name = 'PdfParseError';
  }
}

export const isDict = (v: PdfObject | undefined): v is PdfDict => v instanceof PdfDict;
export const isRef = (v: PdfObject | undefined): v is PdfRef => v instanceof PdfRef;
export const isInt = (v: PdfObject | undefined): v is number => typeof v === 'number' && Number.isInteger(v);
