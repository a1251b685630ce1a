import type { Line, Word } from './geometry.js';
import { cells, cellText } from './lines.js';

/** A table column: a key from the header, and the x-range its values fall into. */
export interface Column<K extends string | undefined> {
  key: K;
  header: Word[];
  x0: number;
  x1: number;
}

/**
 * Columns of a header line. Boundaries sit halfway between neighbouring header cells, because
 * numbers are centred or right-aligned under headers that are wider or narrower than they are.
 */
export function headerColumns<K extends string>(line: Line, classify: (text: string) => K | undefined): Column<K | undefined>[] {
  const cs = cells(line);
  return cs.map((c, i) => {
    const prev = cs[i - 1];
    const next = cs[i + 1];
    const c0 = c[0] as Word;
    const cl = c[c.length - 1] as Word;
    const x0 = prev ? ((prev[prev.length - 1] as Word).x1 + c0.x0) / 2 : Number.NEGATIVE_INFINITY;
    const x1 = next ? (cl.x1 + (next[0] as Word).x0) / 2 : Number.POSITIVE_INFINITY;
    return { key: classify(cellText(c)), header: c, x0, x1 };
  });
}

/** Words of a line grouped by the column their centre falls into. */
export function assign<K extends string | undefined>(line: Line, columns: readonly Column<K | undefined>[]): Map<number, Word[]> {
  const out = new Map<number, Word[]>();
  for (const w of line.words) {
    const cx = (w.x0 + w.x1) / 2;
    const idx = columns.findIndex((c) => cx >= c.x0 && cx < c.x1);
    if (idx < 0) continue;
    const list = out.get(idx) ?? [];
    list.push(w);
    out.set(idx, list);
  }
  return out;
}

/** Lines after `start` on the same page, stopping at a vertical gap wider than `maxGap` points. */
export function linesBelow(lines: readonly Line[], start: number, maxGap = 40, max = 40): Line[] {
  const out: Line[] = [];
  let prev = lines[start];
  for (const line of lines.slice(start + 1, start + 1 + max)) {
    if (!prev || line.page !== prev.page || line.y0 - prev.y1 > maxGap) break;
    out.push(line);
    prev = line;
  }
  return out;
}
