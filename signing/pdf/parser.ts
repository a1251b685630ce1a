import type { ByteSource } from './byte-source.js';
import { Lexer, type Token } from './lexer.js';
import { PdfDict, PdfName, type PdfObject, PdfParseError, PdfRef, PdfStream, PdfString } from './objects.js';

/** Deep nesting is how a hostile file overflows the stack; real PDFs stay far below this. */
const MAX_DEPTH = 64;

/** Resolves an indirect /Length while a stream is being parsed. */
export type LengthResolver = (ref: PdfRef) => PdfObject | undefined;

export class ObjectParser {
  private readonly pushed: Token[] = [];
  readonly lexer: Lexer;

  constructor(src: ByteSource, pos: number, limit?: number) {
    this.lexer = new Lexer(src, pos, limit);
  }

  token(): Token {
    return this.pushed.pop() ?? this.lexer.next();
  }

  unread(t: Token): void {
    this.pushed.push(t);
  }

  parseObject(depth = 0): PdfObject {
    if (depth > MAX_DEPTH) throw new PdfParseError('objects nested too deeply', this.lexer.pos);
    const t = this.token();
    switch (t.kind) {
      case 'number':
        return t.integer ? this.maybeRef(t) : t.value;
      case 'name':
        return new PdfName(t.value);
      case 'string':
        return new PdfString(t.bytes, t.start, t.end);
      case 'keyword':
        if (t.value === 'true') return true;
        if (t.value === 'false') return false;
        if (t.value === 'null') return null;
        throw new PdfParseError(`unexpected keyword ${t.value.slice(0, 20)}`, t.start);
      case 'delim':
        if (t.value === '[') return this.parseArray(depth);
        if (t.value === '<<') return this.parseDict(depth);
        throw new PdfParseError(`unexpected ${t.value}`, t.start);
      case 'eof':
        throw new PdfParseError('unexpected end of file', t.start);
    }
  }

  private maybeRef(first: Token & { kind: 'number' }): PdfObject {
    const second = this.token();
    if (second.kind === 'number' && second.integer) {
      const third = this.token();
      if (third.kind === 'keyword' && third.value === 'R') return new PdfRef(first.value, second.value);
      this.unread(third);
    }
    this.unread(second);
    return first.value;
  }

  private parseArray(depth: number): PdfObject[] {
    const items: PdfObject[] = [];
    for (;;) {
      const t = this.token();
      if (t.kind === 'delim' && t.value === ']') return items;
      if (t.kind === 'eof') throw new PdfParseError('unterminated array', t.start);
      this.unread(t);
      items.push(this.parseObject(depth + 1));
    }
  }

  private parseDict(depth: number): PdfDict {
    const map = new Map<string, PdfObject>();
    for (;;) {
      const t = this.token();
      if (t.kind === 'delim' && t.value === '>>') return new PdfDict(map);
      if (t.kind !== 'name') throw new PdfParseError('dictionary key is not a name', t.start);
      const value = this.parseObject(depth + 1);
      // A null value is the same as an absent key (ISO 32000-1 7.3.7).
      if (value !== null) map.set(t.value, value);
    }
  }

  /**
   * `num gen obj … endobj` at the lexer's position. Streams are not read, only located.
   * `expect` guards against an xref entry that points at a different object.
   */
  parseIndirect(expect: PdfRef | null, resolveLength: LengthResolver): { ref: PdfRef; value: PdfObject } {
    const num = this.token();
    const gen = this.token();
    const kw = this.token();
    if (num.kind !== 'number' || gen.kind !== 'number' || kw.kind !== 'keyword' || kw.value !== 'obj') {
      throw new PdfParseError('expected "N G obj"', num.start);
    }
    const ref = new PdfRef(num.value, gen.value);
    if (expect && (expect.num !== ref.num || expect.gen !== ref.gen)) {
      throw new PdfParseError(`xref points at ${ref.key()} instead of ${expect.key()}`, num.start);
    }
    const value = this.parseObject();
    const after = this.token();
    if (after.kind === 'keyword' && after.value === 'stream' && value instanceof PdfDict) {
      return { ref, value: this.locateStream(value, after.end, resolveLength) };
    }
    return { ref, value };
  }

  private locateStream(dict: PdfDict, afterKeyword: number, resolveLength: LengthResolver): PdfStream {
    let start = afterKeyword;
    if (this.lexer.byteAt(start) === 0x0d) start++;
    if (this.lexer.byteAt(start) === 0x0a) start++;
    let length = dict.get('Length');
    if (length instanceof PdfRef) length = resolveLength(length);
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
      throw new PdfParseError('stream without a usable /Length', start);
    }
    const end = start + length;
    // The keyword must follow the data; if not, /Length lies and the stream is unusable.
    this.lexer.pos = end;
    const kw = this.lexer.next();
    if (kw.kind !== 'keyword' || kw.value !== 'endstream') throw new PdfParseError('stream /Length does not reach endstream', end);
    return new PdfStream(dict, start, length);
  }
}
