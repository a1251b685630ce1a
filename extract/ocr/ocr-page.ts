import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PSM, type Worker } from 'tesseract.js';
import type { Word } from '../layout/geometry.js';
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

/**
 * OCR of one page: rendered at 300 dpi, sparse-text segmentation (forms and ruled tables are
 * islands of text, not paragraphs), automatic deskew. Low-confidence numbers get a second,
 * digits-only look at a crop of just that word: digits are where a misread does harm.
 */
export async function ocrPage(worker: Worker, doc: PDFDocumentProxy, page: PDFPageProxy, pageNo: number, dpi = 300): Promise<Word[]> {
  const { canvas, scale } = await renderPage(doc, page, dpi);
  const png = await canvas.encode('png');
  await worker.setParameters({
    tessedit_pageseg_mode: PSM.SPARSE_TEXT,
    tessedit_char_whitelist: '',
    user_defined_dpi: String(Math.round(scale * 72)),
  });
  const { data } = await worker.recognize(png, { rotateAuto: true }, { blocks: true, text: false });
  const rotated = Math.abs(data.rotateRadians ?? 0) > 0.002;
  const tess = ((data.blocks ?? []) as unknown as TessBlock[]).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
  const words: Word[] = [];
  const retry: number[] = [];
  for (const t of tess) {
    const text = t.text.trim();
    if (!text) continue;
    if (NUMERIC.test(text) && t.confidence < 85) retry.push(words.length);
    words.push({
      text,
      page: pageNo,
      x0: t.bbox.x0 / scale,
      y0: t.bbox.y0 / scale,
      x1: t.bbox.x1 / scale,
      y1: t.bbox.y1 / scale,
      source: 'ocr',
      conf: t.confidence / 100,
    });
  }
  // Crops refer to the unrotated image; after deskew the boxes no longer line up, so skip.
  if (retry.length > 0 && !rotated) await rereadNumbers(worker, png, words, retry, scale);
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
