import type { FieldName } from '../types.js';
import { LABELS, labelRegex } from './labels.js';

/** Edit distance (insertions, deletions, substitutions), stopping early above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Labels long enough that one or two misread letters cannot turn one into another word. */
const MIN_FUZZY = 6;

/**
 * A label OCR misspelt at the start of a cell ("Werkssachverstindiger", "Kontrollgr:"): within one
 * edit for labels of 6-9 letters, two from 10. A bilingual chain's exact second label after "/" is
 * consumed too. Returns the field and the characters of `body` the label takes.
 */
export function fuzzyLabel(body: string, fields: readonly FieldName[]): { field: FieldName; len: number } | undefined {
  const words = body.split(/\s+/);
  let best: { field: FieldName; len: number; d: number } | undefined;
  for (const field of fields) {
    for (const label of LABELS[field] ?? []) {
      if (label.length < MIN_FUZZY || !/^[\p{L} ]+$/u.test(label)) continue;
      const n = label.split(' ').length;
      if (words.length < n) continue;
      const prefix = words.slice(0, n).join(' ');
      const max = label.length >= 10 ? 2 : 1;
      const d = editDistance(prefix.toLowerCase().replace(/[.:;,#]+$/, ''), label, max);
      if (d > max || (best && best.d <= d)) continue;
      best = { field, len: body.indexOf(prefix) + prefix.length, d };
    }
  }
  if (!best) return undefined;
  const rest = body.slice(best.len);
  const chain = /^\s*[/|]\s*/.exec(rest);
  const second = chain ? labelRegex(LABELS[best.field] ?? []).exec(rest.slice(chain[0].length)) : null;
  const len = chain && second ? best.len + chain[0].length + second[0].trimEnd().length : best.len;
  return { field: best.field, len };
}
