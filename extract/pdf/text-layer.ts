import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import type { Word } from '../layout/geometry.js';

/**
 * The page's text layer as words in top-left page coordinates. pdfjs returns runs that may hold
 * several words; they are split with widths in proportion to character counts, which is close
 * enough for column assignment.
 */
export async function textLayerWords(page: PDFPageProxy, pageNo: number): Promise<Word[]> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const words: Word[] = [];
  for (const raw of content.items) {
    if (!('str' in raw)) continue;
    const item = raw as TextItem;
    if (!item.str.trim()) continue;
    const [, , c = 0, d = 0, e = 0, f = 0] = item.transform as number[];
    const size = Math.hypot(c, d) || item.height || 10;
    const [xa = 0, ya = 0] = viewport.convertToViewportPoint(e, f);
    const [xb = 0, yb = 0] = viewport.convertToViewportPoint(e + item.width, f + size);
    const x0 = Math.min(xa, xb);
    const x1 = Math.max(xa, xb);
    const y0 = Math.min(ya, yb);
    const y1 = Math.max(ya, yb);
    words.push(...splitRun(item.str, x0, x1, y0, y1, pageNo));
  }
  return words;
}

export function splitRun(text: string, x0: number, x1: number, y0: number, y1: number, page: number): Word[] {
  const perChar = text.length > 0 ? (x1 - x0) / text.length : 0;
  const out: Word[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    out.push({
      text: m[0],
      page,
      x0: x0 + start * perChar,
      x1: x0 + (start + m[0].length) * perChar,
      y0,
      y1,
      source: 'text',
      conf: 1,
    });
  }
  return out;
}
