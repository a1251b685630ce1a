import { assign, type Column, headerColumns, linesBelow } from '../layout/columns.js';
import type { Line, Word } from '../layout/geometry.js';
import { cellText } from '../layout/lines.js';
import type { Item } from '../types.js';
import type { FieldSet } from './field-set.js';

type Key = keyof Item | 'pos';

function itemKey(text: string): Key | undefined {
  if (/tag/i.test(text)) return 'tagNo';
  if (/part|article|artikel|art\.?\s*no|material no|sachnummer|delenummer|référence/i.test(text)) return 'partNo';
  if (/qty|quantity|menge|antall|quantité|anzahl/i.test(text)) return 'quantity';
  if (/descr|beschreibung|bezeichnung|beskrivelse|désignation/i.test(text)) return 'description';
  if (/^(item|pos\.?|no\.?|nr\.?|line)$/i.test(text.trim())) return 'pos';
  return undefined;
}

/** Delivered items of a CoC, one table row each (until the table ends). */
export function extractItems(lines: readonly Line[], set: FieldSet): void {
  for (const [i, line] of lines.entries()) {
    const columns = headerColumns(line, itemKey);
    const keys = new Set(columns.map((c) => c.key));
    if (!keys.has('description') || (!keys.has('partNo') && !keys.has('tagNo') && !keys.has('quantity'))) continue;
    const items: Item[] = [];
    const words: Word[] = [];
    for (const row of linesBelow(lines, i, 20, 60)) {
      const item = toItem(assign(row, columns), columns);
      if (!item) break;
      items.push(item);
      words.push(...row.words);
    }
    if (items.length > 0) {
      set.set('items', items, words, 0.93);
      return;
    }
  }
}

function toItem(cells: Map<number, Word[]>, columns: readonly Column<Key | undefined>[]): Item | undefined {
  const item: Item = {};
  columns.forEach((c, idx) => {
    if (!c.key || c.key === 'pos') return;
    const text = cellText(cells.get(idx) ?? []).trim();
    if (text) item[c.key] = text;
  });
  return item.description && (item.partNo || item.tagNo || item.quantity) ? item : undefined;
}

/** Specifications a CoC declares conformity with: a bulleted list after the declaration. */
export function extractSpecifications(lines: readonly Line[], set: FieldSet): void {
  const at = lines.findIndex((l) =>
    /(following|these|folgenden|følgende|suivantes)\s+(specifications?|standards?|normen|spesifikasjoner|normes)|conform\w*\s+(to|with)\s*:?$/i.test(
      l.text,
    ),
  );
  if (at < 0) return;
  const specs: string[] = [];
  const words: Word[] = [];
  for (const l of linesBelow(lines, at, 20, 12)) {
    const m = /^\s*(?:[-•*–]|\d+[.)])\s+(.+)$/.exec(l.text);
    if (!m?.[1] || !/\d/.test(m[1])) break;
    specs.push(m[1].trim());
    words.push(...l.words);
  }
  if (specs.length > 0) set.set('specifications', specs, words, 0.93);
}
