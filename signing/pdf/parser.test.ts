import { describe, expect, it } from 'vitest';
import { BufferSource } from './byte-source.js';
import { type PdfDict, PdfParseError, PdfRef, PdfString } from './objects.js';
import { ObjectParser } from './parser.js';
import { PdfReader } from './reader.js';

const parse = (text: string) => new ObjectParser(new BufferSource(Buffer.from(text, 'latin1')), 0).parseObject();

describe('object parser', () => {
  it('reads references, names with #xx escapes, literal and hex strings with their byte span', () => {
    const text = '<< /A 12 0 R /B#20C (a\\)b) /D <41 42> /E [1 2.5 -3] >>';
    const d = parse(text) as PdfDict;
    expect(d.get('A')).toEqual(new PdfRef(12, 0));
    expect(d.get('B C')).toBeInstanceOf(PdfString);
    expect((d.get('B C') as PdfString).text()).toBe('a)b');
    const hex = d.get('D') as PdfString;
    expect([hex.text(), hex.start, hex.end]).toEqual(['AB', text.indexOf('<41'), text.indexOf('42>') + 3]);
    expect(d.get('E')).toEqual([1, 2.5, -3]);
  });

  it('refuses hostile nesting with a parse error instead of overflowing the stack', () => {
    expect(() => parse('['.repeat(100_000))).toThrow(PdfParseError);
  });

  it('reports a reference cycle through stream lengths instead of looping', () => {
    const body = '%PDF-1.7\n1 0 obj\n<< /Length 1 0 R >>\nstream\nx\nendstream\nendobj\n';
    const xrefAt = body.length;
    const pdf = `${body}xref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const reader = PdfReader.open(new BufferSource(Buffer.from(pdf, 'latin1')));
    expect(() => reader.get(new PdfRef(1, 0))).toThrow(/cycle/);
  });
});
