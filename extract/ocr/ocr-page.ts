import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PSM, type Worker } from 'tesseract.js';
import type { Word } from '../layout/geometry.js';
import { type CanvasMaker, type OcrCanvas, prepareForOcr } from './prepare-image.js';
import { renderPage } from './render-page.js';

interface TessWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}
interface TessBlock {
  paragraphs: { lines: { words: TessWord[] }[] }[];
}

const NUMERIC = /^[-+(<>]?[\d.,]*\d[\d.,]*[)%]?$/;

/** Confidence ceiling for a word whose text had to be repaired. */
export const CLEANED_CONF = 0.85;

/**
 * Repairs the typical OCR artefacts around numbers: table rules read as "|", "[" or "]" stuck to
 * digits, a low comma or quote ("„023", "‚162") where a US leading dot was printed, a trailing
 * colon or middle dot from a speck. A lone rule glyph is dropped. Words that are not numeric after
 * the repair are returned unchanged (a bracket in "[MPa]" is real).
 */
export function cleanToken(raw: string): string {
  if (/^[|[\]{}!]+$/.test(raw)) return '';
  let s = raw.replace(/^[|[\]{}]+|[|[\]{}]+$/g, '');
  s = s.replace(/^([-+]?)[„‚,](?=\d)/, '$1.').replace(/[:·•'’]+$/, '');
  return NUMERIC.test(s) ? s : raw;
}

/**
 * OCR of one page: rendered at 300 dpi, sparse-text segmentation (forms and ruled tables are
 * islands of text, not paragraphs), automatic deskew. Low-confidence numbers get a second,
 * digits-only look at a crop of just that word: digits are where a misread does harm.
 */
export async function ocrPage(worker: Worker, doc: PDFDocumentProxy, page: PDFPageProxy, pageNo: number, dpi = 300): Promise<Word[]> {
  const rendered = await renderPage(doc, page, dpi);
  const scale = rendered.scale;
  // Deskew and rule removal happen here, not in tesseract: word boxes then match the image that
  // the digit re-reads crop from.
  const { canvas } = prepareForOcr(rendered.canvas as unknown as OcrCanvas, doc.canvasFactory as CanvasMaker, scale);
  const png = await canvas.encode('png');
  await worker.setParameters({
    tessedit_pageseg_mode: PSM.SPARSE_TEXT,
    tessedit_char_whitelist: '',
    user_defined_dpi: String(Math.round(scale * 72)),
  });
  const { data } = await worker.recognize(png, {}, { blocks: true, text: false });
  const tess = ((data.blocks ?? []) as unknown as TessBlock[]).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
  const words: Word[] = [];
  const retry: number[] = [];
  for (const t of tess) {
    const raw = t.text.trim();
    const text = cleanToken(raw);
    if (!text) continue;
    const cleaned = text !== raw;
    if (NUMERIC.test(text) && (t.confidence < 85 || cleaned)) retry.push(words.length);
    words.push({
      text,
      page: pageNo,
      x0: t.bbox.x0 / scale,
      y0: t.bbox.y0 / scale,
      x1: t.bbox.x1 / scale,
      y1: t.bbox.y1 / scale,
      source: 'ocr',
      // A token that needed repair is not a clean reading, whatever tesseract says: keep it out of
      // auto-accept unless the digit re-read confirms it.
      conf: cleaned ? Math.min(t.confidence / 100, CLEANED_CONF) : t.confidence / 100,
    });
  }
  if (retry.length > 0) await rereadNumbers(worker, png, words, retry, scale);
  return words;
}

async function rereadNumbers(worker: Worker, png: Buffer, words: Word[], idx: number[], scale: number): Promise<void> {
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_WORD, tessedit_char_whitelist: '0123456789.,-' });
  try {
    for (const i of idx.slice(0, 25)) {
      const w = words[i];
      if (!w) continue;
      const pad = 4;
      const rectangle = {
        left: Math.max(0, Math.round(w.x0 * scale) - pad),
        top: Math.max(0, Math.round(w.y0 * scale) - pad),
        width: Math.round((w.x1 - w.x0) * scale) + 2 * pad,
        height: Math.round((w.y1 - w.y0) * scale) + 2 * pad,
      };
      const { data } = await worker.recognize(png, { rectangle }, { text: true });
      const text = data.text.trim();
      if (text && NUMERIC.test(text) && data.confidence / 100 > w.conf) words[i] = { ...w, text, conf: data.confidence / 100 };
    }
  } finally {
    await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT, tessedit_char_whitelist: '' });
  }
}
