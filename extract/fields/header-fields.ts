import type { Line, Word } from '../layout/geometry.js';
import type { FieldName, Fields } from '../types.js';
import type { FieldSet } from './field-set.js';
import { labelCandidates } from './label-values.js';
import { NORMALISERS, type ValueContext } from './validators.js';

/**
 * Header fields (number, date, parties, PO, grade …) from label/value pairs. The first valid
 * candidate per field wins; candidates that fail their type check are dropped, never coerced.
 */
export function extractHeaderFields(lines: readonly Line[], fields: readonly FieldName[], set: FieldSet, ctx: ValueContext): void {
  for (const c of labelCandidates(lines, fields)) {
    if (set.has(c.field)) continue;
    const normalise = NORMALISERS[c.field];
    const value = normalise ? normalise(c.text, ctx) : c.text;
    if (value === undefined) continue;
    set.set(c.field, value as Fields[typeof c.field], c.words, c.method * ocrDoubt(c.field, value, c.words));
  }
}

/**
 * Evidence that an OCR reading lost part of its value. Quantities and dimensions are printed with
 * a unit ("24 pcs", "20 x 2000 x 6000 mm"); from OCR, a bare number most often means the unit was
 * dropped or set onto another line, so the value goes to review instead of being accepted short.
 */
function ocrDoubt(field: FieldName, value: unknown, words: readonly Word[]): number {
  if (!words.some((w) => w.source === 'ocr')) return 1;
  // "24", "20 x 2000 x 6000": ends in a digit, so no unit was read after it.
  if ((field === 'quantity' || field === 'dimensions') && typeof value === 'string' && /\d$/.test(value.trim())) return 0.88;
  return 1;
}

/** Letterhead: the first line of page 1 when it reads as a company name. Weak evidence by nature. */
export function letterhead(lines: readonly Line[]): Line | undefined {
  const top = lines.filter((l) => l.page === 1).slice(0, 3);
  return top.find((l) =>
    /\b(GmbH|AG|AS|ASA|AB|Ltd|Limited|Inc|Corp|Co|LLC|S\.?p\.?A|SA|SAS|BV|Oy|KG|Steel|Stahl|Mill|Works|Werk|Valves?|Metall?)\b\.?/i.test(
      l.text,
    ),
  );
}
