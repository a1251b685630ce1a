import type { Line, Word } from '../layout/geometry.js';
import { cells, cellText } from '../layout/lines.js';
import type { FieldName } from '../types.js';
import { fuzzyLabel } from './fuzzy-labels.js';
import { ANY_LABEL, EN10168, LABELS, labelRegex } from './labels.js';

/** A printed value found next to its label, before validation. */
export interface Candidate {
  field: FieldName;
  text: string;
  words: Word[];
  /** Prior confidence of the anchoring method. */
  method: number;
}

export const METHOD = { code: 0.97, sameCell: 0.96, nextCell: 0.95, below: 0.92 } as const;
/** Factor on the method's confidence when the label was matched despite misread letters. */
const FUZZY = 0.9;

/** Candidates for the given fields, in reading order, EN 10168 codes first. */
export function labelCandidates(lines: readonly Line[], fields: readonly FieldName[]): Candidate[] {
  const wanted = new Set(fields);
  const regexes = fields.flatMap((f) => (LABELS[f] ? [[f, labelRegex(LABELS[f] ?? [])] as const] : []));
  const coded: Candidate[] = [];
  const labelled: Candidate[] = [];
  lines.forEach((line, li) => {
    const cs = cells(line);
    cs.forEach((cell, ci) => {
      const text = cellText(cell);
      const code = /^([A-Z]\d{2})\b\s*/.exec(text);
      const codeField = code?.[1] ? EN10168[code[1]] : undefined;
      if (codeField && wanted.has(codeField)) {
        const value = codedValue(cell, cs.slice(ci + 1), (code?.[0] ?? '').length);
        if (value) coded.push({ field: codeField, ...value, method: METHOD.code });
      }
      const after = codeField ? text.slice((code?.[0] ?? '').length) : text;
      // OCR puts a speck or a box edge in front of a label ("-Sertifikat nr."): not part of it.
      const body = after.replace(/^[-–—|.,:;'"‘’_•*]+\s*/, '');
      const offset = text.length - body.length;
      // The longest label wins: "Customer order No." is a PO label, not "Customer".
      let best: { field: FieldName; len: number } | undefined;
      for (const [field, re] of regexes) {
        const m = re.exec(body);
        if (m && m[0].trim().length > (best?.len ?? 0)) best = { field, len: m[0].trim().length };
      }
      // A misspelt label is only looked for in OCR words; the text layer spells its labels.
      const fuzzy = !best && cell[0]?.source === 'ocr' ? fuzzyLabel(body, fields) : undefined;
      const label = best ?? fuzzy;
      if (label) {
        const value = valueAfter(cell, offset + label.len, cs[ci + 1], lines, li);
        // Read through a misspelling: a person confirms it.
        if (value) labelled.push({ field: label.field, ...value, method: fuzzy ? value.method * FUZZY : value.method });
      }
    });
  });
  return [...coded, ...labelled];
}

function codedValue(cell: Word[], rest: Word[][], codeLen: number): Omit<Candidate, 'field' | 'method'> | undefined {
  const inline = stripLabel(wordsFrom(cell, codeLen));
  if (inline.length > 0) return { text: cellText(inline), words: inline };
  // "A07 | Purchase order No. | 4711": the value is the last cell; a lone label cell is skipped.
  const cellsLeft = rest.map(stripLabel).filter((c) => c.length > 0);
  const last = cellsLeft[cellsLeft.length - 1];
  return last ? { text: cellText(last), words: last } : undefined;
}

function valueAfter(
  cell: Word[],
  at: number,
  next: Word[] | undefined,
  lines: readonly Line[],
  li: number,
): Omit<Candidate, 'field'> | undefined {
  const same = wordsFrom(cell, at);
  if (same.length > 0) return { text: textFrom(cell, at), words: same, method: METHOD.sameCell };
  if (next && !isLabelOnly(next)) {
    const words = stripLeadingPunct(next);
    if (words.length > 0) return { text: cellText(words), words, method: METHOD.nextCell };
  }
  const below = cellBelow(cell, lines, li);
  return below ? { text: cellText(below), words: below, method: METHOD.below } : undefined;
}

/** Box forms print the label small above its value: take the first cell below that starts under it. */
function cellBelow(label: Word[], lines: readonly Line[], li: number): Word[] | undefined {
  const first = label[0] as Word;
  const h = first.y1 - first.y0;
  for (const line of lines.slice(li + 1, li + 3)) {
    if (line.page !== first.page || line.y0 - first.y1 > Math.max(3 * h, 18)) return undefined;
    for (const c of cells(line)) {
      const c0 = c[0] as Word;
      if (Math.abs(c0.x0 - first.x0) < 12) return isLabelOnly(c) ? undefined : c;
    }
  }
  return undefined;
}

function isLabelOnly(cell: Word[]): boolean {
  const text = cellText(cell);
  const m = ANY_LABEL.exec(text);
  return m !== null && m[0].trim().length >= text.trim().length - 1;
}

/** Drops a leading label, but only a whole one: "PO-266555" is a value, not the label "PO". */
function stripLabel(cell: Word[]): Word[] {
  const text = cellText(cell);
  const m = ANY_LABEL.exec(text);
  const next = m ? text.charAt(m[0].length) : '';
  const whole = m && (m[0].length === text.length || /[\s:]$/.test(m[0]) || next === '' || /\s/.test(next));
  return stripLeadingPunct(m && whole ? wordsFrom(cell, m[0].length) : cell);
}

/** Words (or word tails) starting at character offset `at` of the cell's text. */
function wordsFrom(cell: Word[], at: number): Word[] {
  const out: Word[] = [];
  let pos = 0;
  for (const w of cell) {
    const end = pos + w.text.length;
    if (end > at) {
      const cut = Math.max(0, at - pos);
      const text = w.text.slice(cut).replace(/^[:#]+/, '');
      if (text) out.push(cut > 0 ? { ...w, text, x0: w.x0 + ((w.x1 - w.x0) * cut) / w.text.length } : w);
    }
    pos = end + 1;
  }
  return stripLeadingPunct(out);
}

function textFrom(cell: Word[], at: number): string {
  return cellText(wordsFrom(cell, at));
}

function stripLeadingPunct(words: Word[]): Word[] {
  const out = [...words];
  // Quote marks too: OCR reads a speck after a label as one ("Quantity’ 15 pcs").
  while (out.length > 0 && /^[:#|=.\-‘’'`]+$/.test(out[0]?.text ?? '')) out.shift();
  const first = out[0];
  if (first && /^[:#‘’'`]/.test(first.text)) out[0] = { ...first, text: first.text.replace(/^[:#‘’'`]+\s*/, '') };
  return out.filter((w) => w.text.length > 0);
}
