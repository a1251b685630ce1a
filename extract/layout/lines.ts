import type { Line, Word } from './geometry.js';

/**
 * Rebuilds reading order from positions: PDF content streams (and OCR blocks) come in any order,
 * so words are grouped into lines by vertical overlap and sorted left to right.
 */
export function buildLines(words: readonly Word[]): Line[] {
  const byPage = new Map<number, Word[]>();
  for (const w of words) {
    if (!w.text.trim()) continue;
    const list = byPage.get(w.page) ?? [];
    list.push(w);
    byPage.set(w.page, list);
  }
  const lines: Line[] = [];
  for (const page of [...byPage.keys()].sort((a, b) => a - b)) {
    lines.push(...pageLines(byPage.get(page) ?? []));
  }
  return lines;
}

function pageLines(words: Word[]): Line[] {
  const sorted = [...words].sort((a, b) => centre(a) - centre(b));
  const groups: Word[][] = [];
  for (const w of sorted) {
    const last = groups[groups.length - 1];
    if (last && sameLine(last, w)) last.push(w);
    else groups.push([w]);
  }
  return groups.map(toLine).sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}

function centre(w: Word): number {
  return (w.y0 + w.y1) / 2;
}

function sameLine(group: Word[], w: Word): boolean {
  const ys = group.map(centre);
  const mid = ys.reduce((s, y) => s + y, 0) / ys.length;
  const h = group.reduce((s, g) => s + (g.y1 - g.y0), 0) / group.length;
  // Half a line height: tolerant of OCR jitter and superscripts, strict enough for dense tables.
  return Math.abs(centre(w) - mid) < Math.max(2, Math.min(h, w.y1 - w.y0) * 0.5);
}

function toLine(words: Word[]): Line {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  const first = sorted[0] as Word;
  return {
    page: first.page,
    words: sorted,
    text: sorted.map((w) => w.text).join(' '),
    x0: Math.min(...sorted.map((w) => w.x0)),
    y0: Math.min(...sorted.map((w) => w.y0)),
    x1: Math.max(...sorted.map((w) => w.x1)),
    y1: Math.max(...sorted.map((w) => w.y1)),
  };
}

/**
 * Splits a line into cells at wide horizontal gaps: a label and its value, or table columns,
 * are printed apart; words of one phrase are not.
 */
export function cells(line: Line): Word[][] {
  const out: Word[][] = [];
  const height = line.y1 - line.y0;
  for (const w of line.words) {
    const cell = out[out.length - 1];
    const prev = cell?.[cell.length - 1];
    if (cell && prev && w.x0 - prev.x1 < Math.max(4, height * 0.9)) cell.push(w);
    else out.push([w]);
  }
  return out;
}

export function cellText(cell: readonly Word[]): string {
  return cell.map((w) => w.text).join(' ');
}
