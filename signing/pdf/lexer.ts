import type { ByteSource } from './byte-source.js';
import { PdfParseError } from './objects.js';

/** PDF token kinds; `string` and `hex` carry their decoded bytes. */
export type Token =
  | { kind: 'number'; value: number; start: number; end: number; integer: boolean }
  | { kind: 'name'; value: string; start: number; end: number }
  | { kind: 'string'; bytes: Uint8Array; start: number; end: number }
  | { kind: 'keyword'; value: string; start: number; end: number }
  | { kind: 'delim'; value: '[' | ']' | '<<' | '>>' | '{' | '}'; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

const WINDOW = 64 * 1024;
/** A malformed file must not make us allocate without bound. */
const MAX_STRING = 16 * 1024 * 1024;

export const isWhite = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
export const isDelimiter = (c: number) =>
  c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;

/** Reads tokens from any position of a ByteSource through a sliding window. */
export class Lexer {
  private winStart = 0;
  private win: Uint8Array = new Uint8Array(0);
  private readonly limit: number;

  constructor(
    private readonly src: ByteSource,
    public pos: number,
    limit?: number,
  ) {
    this.limit = Math.min(limit ?? src.size, src.size);
  }

  byteAt(p: number): number {
    if (p < 0 || p >= this.limit) return -1;
    if (p < this.winStart || p >= this.winStart + this.win.length) {
      this.winStart = p;
      this.win = this.src.read(p, Math.min(WINDOW, this.limit - p));
    }
    return this.win[p - this.winStart] ?? -1;
  }

  skipWhitespace(): void {
    for (;;) {
      const c = this.byteAt(this.pos);
      if (c === -1) return;
      if (isWhite(c)) this.pos++;
      else if (c === 0x25) {
        while (this.byteAt(this.pos) !== -1 && this.byteAt(this.pos) !== 0x0a && this.byteAt(this.pos) !== 0x0d) this.pos++;
      } else return;
    }
  }

  next(): Token {
    this.skipWhitespace();
    const start = this.pos;
    const c = this.byteAt(start);
    if (c === -1) return { kind: 'eof', start, end: start };
    if (c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) {
      this.pos++;
      return { kind: 'delim', value: String.fromCharCode(c) as '[', start, end: this.pos };
    }
    if (c === 0x3c && this.byteAt(start + 1) === 0x3c) {
      this.pos += 2;
      return { kind: 'delim', value: '<<', start, end: this.pos };
    }
    if (c === 0x3e && this.byteAt(start + 1) === 0x3e) {
      this.pos += 2;
      return { kind: 'delim', value: '>>', start, end: this.pos };
    }
    if (c === 0x3c) return this.hexString(start);
    if (c === 0x28) return this.literalString(start);
    if (c === 0x2f) return this.nameToken(start);
    if (c === 0x29 || c === 0x3e) throw new PdfParseError('unexpected delimiter', start);
    let end = start;
    while (this.byteAt(end) !== -1 && !isWhite(this.byteAt(end)) && !isDelimiter(this.byteAt(end))) end++;
    const text = Buffer.from(this.src.read(start, end - start)).toString('latin1');
    this.pos = end;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) {
      return { kind: 'number', value: Number(text), start, end, integer: /^[+-]?\d+$/.test(text) };
    }
    return { kind: 'keyword', value: text, start, end };
  }

  private nameToken(start: number): Token {
    let p = start + 1;
    const bytes: number[] = [];
    for (;;) {
      const c = this.byteAt(p);
      if (c === -1 || isWhite(c) || isDelimiter(c)) break;
      if (c === 0x23 && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(this.byteAt(p + 1), this.byteAt(p + 2)))) {
        bytes.push(Number.parseInt(String.fromCharCode(this.byteAt(p + 1), this.byteAt(p + 2)), 16));
        p += 3;
      } else {
        bytes.push(c);
        p++;
      }
      if (bytes.length > 4096) throw new PdfParseError('name too long', start);
    }
    this.pos = p;
    return { kind: 'name', value: Buffer.from(bytes).toString('latin1'), start, end: p };
  }

  private hexString(start: number): Token {
    let p = start + 1;
    const digits: number[] = [];
    for (;;) {
      const c = this.byteAt(p++);
      if (c === -1) throw new PdfParseError('unterminated hex string', start);
      if (c === 0x3e) break;
      if (isWhite(c)) continue;
      const v = hexValue(c);
      if (v < 0) throw new PdfParseError('bad hex digit', p - 1);
      digits.push(v);
      if (digits.length > 2 * MAX_STRING) throw new PdfParseError('string too long', start);
    }
    if (digits.length % 2 === 1) digits.push(0);
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = ((digits[2 * i] ?? 0) << 4) | (digits[2 * i + 1] ?? 0);
    this.pos = p;
    return { kind: 'string', bytes, start, end: p };
  }

  private literalString(start: number): Token {
    let p = start + 1;
    let depth = 1;
    const out: number[] = [];
    for (;;) {
      const c = this.byteAt(p++);
      if (c === -1) throw new PdfParseError('unterminated string', start);
      if (out.length > MAX_STRING) throw new PdfParseError('string too long', start);
      if (c === 0x5c) {
        const e = this.byteAt(p++);
        const simple: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12, 40: 0x28, 41: 0x29, 92: 0x5c };
        if (e in simple) out.push(simple[e] ?? e);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && this.byteAt(p) >= 0x30 && this.byteAt(p) <= 0x37; k++) v = v * 8 + (this.byteAt(p++) - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (this.byteAt(p) === 0x0a) p++;
        } else if (e !== 0x0a && e !== -1) out.push(e);
        continue;
      }
      if (c === 0x28) depth++;
      if (c === 0x29 && --depth === 0) break;
      out.push(c);
    }
    this.pos = p;
    return { kind: 'string', bytes: Uint8Array.from(out), start, end: p };
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
