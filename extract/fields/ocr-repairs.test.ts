import { describe, expect, it } from 'vitest';
import type { Word } from '../layout/geometry.js';
import { buildLines } from '../layout/lines.js';
import { extractChemistry } from './chemistry.js';
import { FieldSet } from './field-set.js';
import { editDistance } from './fuzzy-labels.js';
import { extractHeaderFields } from './header-fields.js';
import { legendCodes } from './itp-activities.js';

/** Words laid out left to right on one line at `y`, each at the given x. */
function row(y: number, cells: [string, number][]): Word[] {
  return cells.map(([text, x]) => ({ text, page: 1, x0: x, y0: y, x1: x + text.length * 5, y1: y + 7, source: 'ocr', conf: 0.95 }));
}

describe('chemistry tables read by OCR', () => {
  it('gives a repaired header symbol its other reading when the plain one is taken ("S|" beside "S" is Si)', () => {
    const lines = buildLines([
      ...row(100, [
        ['Heat', 40],
        ['C', 110],
        ['Mn', 160],
        ['P', 210],
        ['S', 260],
        ['S|', 310],
        ['Cr', 360],
      ]),
      ...row(115, [
        ['626938', 40],
        ['.02', 110],
        ['1.58', 160],
        ['.023', 210],
        ['.0009', 260],
        ['.46', 310],
        ['22.73', 360],
      ]),
    ]);
    const set = new FieldSet();
    extractChemistry(lines, set, false);
    expect(set.fields.chemistry).toEqual({ C: 0.02, Mn: 1.58, P: 0.023, S: 0.0009, Si: 0.46, Cr: 22.73 });
    // Inferred header: a person confirms it.
    expect(set.confidence.chemistry).toBeLessThan(0.9);
  });

  it('ignores a lone speck mark beside a value', () => {
    const lines = buildLines([
      ...row(100, [
        ['Heat', 40],
        ['C', 110],
        ['Si', 160],
        ['Al', 210],
        ['N', 260],
      ]),
      ...row(115, [
        ['BW-39170', 40],
        ['0.12', 110],
        ['0.28', 160],
        ['0.043', 210],
        [':', 252],
        ['0.0033', 260],
      ]),
    ]);
    const set = new FieldSet();
    extractChemistry(lines, set, false);
    expect(set.fields.chemistry?.N).toBe(0.0033);
  });
});

describe('labels read by OCR', () => {
  it('matches a label behind a speck or a comma read for its colon, and a value behind a quote mark', () => {
    const lines = buildLines([
      ...row(100, [
        ['-Sertifikat', 40],
        ['nr.', 95],
        ['MC-87442378', 160],
      ]),
      ...row(115, [
        ['Dato,', 40],
        ['10.04.2024', 160],
      ]),
      ...row(130, [
        ['Quantity’', 40],
        ['15', 160],
        ['pcs', 172],
      ]),
    ]);
    const set = new FieldSet();
    extractHeaderFields(lines, ['documentNumber', 'issueDate', 'quantity'], set, { usDates: false });
    expect(set.fields).toEqual({ documentNumber: 'MC-87442378', issueDate: '2024-04-10', quantity: '15 pcs' });
  });
});

describe('ITP legend', () => {
  it('reads codes whose separator OCR doubled ("H-- Hold")', () => {
    const lines = buildLines(
      row(100, [
        ['Legend:', 40],
        ['H--', 80],
        ['Hold,', 100],
        ['W', 130],
        ['-', 140],
        ['Witness', 150],
      ]),
    );
    expect([...legendCodes(lines)].sort()).toEqual(['H', 'W']);
  });
});

describe('misspelt labels', () => {
  it('matches an OCR-misread label within an edit or two, below auto-accept, and never in the text layer', () => {
    const ocr = buildLines(
      row(100, [
        ['Werkssachverstindiger', 40],
        ['/', 150],
        ['Inspector:', 158],
        ['S.', 220],
        ['Patel', 232],
      ]),
    );
    const set = new FieldSet();
    extractHeaderFields(ocr, ['inspector'], set, { usDates: false });
    expect(set.fields.inspector).toBe('S. Patel');
    expect(set.confidence.inspector).toBeLessThan(0.9);

    const text = buildLines(
      row(100, [
        ['Kontrollgr:', 40],
        ['M.', 160],
        ['Rossi', 172],
      ]).map((w) => ({ ...w, source: 'text' as const })),
    );
    const fromText = new FieldSet();
    extractHeaderFields(text, ['inspector'], fromText, { usDates: false });
    expect(fromText.fields.inspector).toBeUndefined();
  });

  it('keeps short labels exact: one letter off is another word', () => {
    expect(editDistance('kontrollgr', 'kontrollør', 2)).toBe(1);
    expect(editDistance('abc', 'abcdef', 1)).toBe(2);
  });
});
