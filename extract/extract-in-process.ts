import type { Worker as OcrWorker } from 'tesseract.js';
import { findCertType } from './classify/cert-type.js';
import { classify } from './classify/classify.js';
import { type DocContext, extractFields, millResults } from './fields/document-fields.js';
import type { Line, Word } from './layout/geometry.js';
import { buildLines } from './layout/lines.js';
import { ocrPage } from './ocr/ocr-page.js';
import { createOcrWorker } from './ocr/tesseract.js';
import { formFieldWords } from './pdf/form-fields.js';
import { openPdf } from './pdf/pdfjs.js';
import { textLayerWords } from './pdf/text-layer.js';
import type { ExtractionResult } from './types.js';
import { EXTRACTOR_VERSION } from './version.js';

export interface ExtractOptions {
  /** 'auto' (default): OCR pages whose text layer is thin; 'never'; 'always'. */
  ocr?: 'auto' | 'never' | 'always';
  /** Pages beyond this are not read (a 5,000-page "certificate" is an attack, not a certificate). */
  maxPages?: number;
  /** Languages for OCR, tesseract codes joined by '+'. */
  ocrLangs?: string;
}

/** Below this many text-layer characters a page is treated as scanned. */
const THIN_PAGE_CHARS = 40;

/**
 * What a worker hands back: the result (the DESIGN.md contract) and, beside it, the document's
 * plain text for full-text search. The text stays out of the result so `arkiv extract --json`
 * prints exactly the contract.
 */
export interface ExtractionOutput {
  result: ExtractionResult;
  /** Lines in reading order, one per line; pages separated by a form feed. */
  text: string;
}

/** The whole pipeline in the calling thread. The pool runs this inside a worker. */
export async function extractInProcess(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractionOutput> {
  const doc = await openPdf(bytes);
  let ocr: OcrWorker | undefined;
  try {
    const words: Word[] = [];
    const sources = new Set<'text' | 'ocr'>();
    const pages = Math.min(doc.numPages, options.maxPages ?? 500);
    let usLetter = false;
    for (let p = 1; p <= pages; p++) {
      const page = await doc.getPage(p);
      const [w, h] = [page.view[2] ?? 0, page.view[3] ?? 0];
      if (p === 1 && Math.abs(w - 612) < 3 && Math.abs(h - 792) < 3) usLetter = true;
      const text = options.ocr === 'always' ? [] : await textLayerWords(page, p);
      const chars = text.reduce((n, x) => n + x.text.length, 0);
      if (options.ocr !== 'never' && (options.ocr === 'always' || chars < THIN_PAGE_CHARS)) {
        ocr ??= await createOcrWorker(options.ocrLangs);
        words.push(...(await ocrPage(ocr, doc, page, p)));
        sources.add('ocr');
      } else {
        words.push(...text, ...(await formFieldWords(page, p)));
        sources.add('text');
      }
      page.cleanup();
    }
    const lines = buildLines(words);
    return { result: analyse(lines, doc.numPages, sources, usLetter), text: plainText(lines, pages) };
  } finally {
    await ocr?.terminate();
    await doc.destroy();
  }
}

/** The lines as plain text: a page without text is an empty string between its form feeds. */
export function plainText(lines: readonly Line[], pages: number): string {
  const byPage: string[][] = Array.from({ length: pages }, () => []);
  for (const line of lines) byPage[line.page - 1]?.push(line.text);
  return byPage.map((p) => p.join('\n')).join('\f');
}

export function analyse(lines: readonly Line[], pages: number, sources: Set<'text' | 'ocr'>, usLetter = false): ExtractionResult {
  const all = lines.map((l) => l.text).join('\n');
  const ctx = documentContext(all, usLetter);
  const mill = millResults(lines, ctx);
  const hasResults = mill.set.has('chemistry') || mill.set.has('yieldStrengthMpa');
  const { docClass, confidence } = classify(lines, hasResults);
  const set = extractFields(lines, docClass, ctx, mill);
  const cert = docClass === 'mill_cert' ? findCertType(all) : undefined;
  const result: ExtractionResult = {
    docClass,
    certType: cert?.certType ?? null,
    source: sources.size > 1 ? 'mixed' : sources.has('ocr') ? 'ocr' : 'text',
    pages,
    fields: set.fields,
    fieldConfidence: set.confidence,
    provenance: set.provenance,
    extractorVersion: EXTRACTOR_VERSION,
  };
  if (cert) result.certTypeRaw = cert.raw;
  // A doubtful class makes every field doubtful: the rules applied may be the wrong ones.
  if (confidence < 0.9) for (const k of Object.keys(set.confidence) as (keyof typeof set.confidence)[]) set.penalise(k, confidence);
  return result;
}

/** Conventions of the paper: US documents write mm/dd/yyyy; continental ones use decimal commas. */
function documentContext(text: string, usLetter: boolean): DocContext {
  const us = usLetter || /\b(ksi|psi|ft[\s.·-]*lbs?)\b|°F|mill test report/i.test(text);
  const commas = (text.match(/(?<![\d,])\d{1,3},\d{1,4}(?![\d,])/g) ?? []).length;
  const dots = (text.match(/(?<![\d.])\d{1,3}\.\d{1,4}(?![\d.])/g) ?? []).length;
  return { usDates: us, commaDecimal: commas > dots };
}
