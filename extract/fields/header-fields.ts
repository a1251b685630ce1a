import type { Line } from '../layout/geometry.js';
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
    set.set(c.field, value as Fields[typeof c.field], c.words, c.method);
  }
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
