import type { PdfObject } from '../pdf/objects.js';
import { PdfRef, PdfString } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';

/** Fully qualified names of every form field, so a new signature field never collides. */
export function fieldNames(reader: PdfReader, fields: PdfObject[]): Set<string> {
  const names = new Set<string>();
  const seen = new Set<number>();
  const walk = (items: PdfObject[], prefix: string, depth: number) => {
    if (depth > 32) return;
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const dict = reader.dict(item);
      if (!dict) continue;
      const t = dict.get('T');
      const own = t instanceof PdfString ? t.text() : undefined;
      const full = own === undefined ? prefix : prefix ? `${prefix}.${own}` : own;
      if (own !== undefined) names.add(full);
      const kids = reader.array(dict.get('Kids'));
      if (kids) walk(kids, full, depth + 1);
    }
  };
  walk(fields, '', 0);
  return names;
}
