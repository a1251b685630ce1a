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
    // OCR boxes jitter (a speck or an accent stretches one), so the word may sort between two
    // words of a line; the last few lines are candidates, the one it overlaps most takes it.
    let best: Word[] | undefined;
    let bestOverlap = 0;
    for (const g of groups.slice(-3)) {
      const o = overlap(g, w);
      if (o > bestOverlap) [best, bestOverlap] = [g, o];
    }
    if (best && bestOverlap >= 0.5) best.push(w);
    else groups.push([w]);
  }
  return groups.map(toLine).sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}

function centre(w: Word): number {
  return (w.y0 + w.y1) / 2;
}

function median(ns: number[]): number {
  const s = [...ns].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Vertical overlap of a word with a line, as a fraction of the smaller height: with the line's
 * band (median top and bottom of its words, robust to one stretched box) or with its word nearest
 * in x (a residual skew makes a long line drift, and neighbours still overlap). Centres must also
 * be within half a height: a tall box does not swallow the line below.
 */
function overlap(group: Word[], w: Word): number {
  const band = { y0: median(group.map((g) => g.y0)), y1: median(group.map((g) => g.y1)) };
  const gap = (g: Word) => Math.max(0, g.x0 - w.x1, w.x0 - g.x1);
  const nearest = group.reduce((a, b) => (gap(b) < gap(a) ? b : a));
  return Math.max(overlapWith(band, w), overlapWith(nearest, w));
}

function overlapWith(b: { y0: number; y1: number }, w: Word): number {
  const h = Math.min(b.y1 - b.y0, w.y1 - w.y0);
  if (h <= 0 || Math.abs(centre(w) - (b.y0 + b.y1) / 2) >= Math.max(2, Math.max(b.y1 - b.y0, w.y1 - w.y0) * 0.5)) return 0;
  return (Math.min(b.y1, w.y1) - Math.max(b.y0, w.y0)) / h;
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
