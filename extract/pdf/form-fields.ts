import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Word } from '../layout/geometry.js';
import { splitRun } from './text-layer.js';

interface WidgetAnnotation {
  subtype?: string;
  fieldType?: string;
  fieldValue?: unknown;
  rect?: number[];
}

/**
 * Filled AcroForm values are not part of the text layer (they live in widget appearances), yet
 * suppliers often type the heat or PO number into a form field; merge them as words at the
 * widget's position so label matching sees them beside their printed labels.
 */
export async function formFieldWords(page: PDFPageProxy, pageNo: number): Promise<Word[]> {
  const viewport = page.getViewport({ scale: 1 });
  const annotations = (await page.getAnnotations({ intent: 'display' })) as WidgetAnnotation[];
  const words: Word[] = [];
  for (const a of annotations) {
    if (a.subtype !== 'Widget' || !a.rect || a.rect.length < 4) continue;
    const value = fieldText(a);
    if (!value) continue;
    const [ax = 0, ay = 0, bx = 0, by = 0] = a.rect;
    const [x0, y0] = viewport.convertToViewportPoint(ax, ay) as [number, number];
    const [x1, y1] = viewport.convertToViewportPoint(bx, by) as [number, number];
    const left = Math.min(x0, x1) + 2;
    const top = Math.min(y0, y1);
    const bottom = Math.max(y0, y1);
    // Render the value at a text-like height centred in the widget, as a viewer would show it.
    const h = Math.min(bottom - top, 12);
    const mid = (top + bottom) / 2;
    const width = Math.min(Math.max(x0, x1) - left, value.length * h * 0.5);
    words.push(...splitRun(value, left, left + width, mid - h / 2, mid + h / 2, pageNo));
  }
  return words;
}

function fieldText(a: WidgetAnnotation): string | undefined {
  if (a.fieldType !== 'Tx' && a.fieldType !== 'Ch') return undefined;
  const v = a.fieldValue;
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(', ') || undefined;
  return undefined;
}
