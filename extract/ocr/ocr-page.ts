import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PSM, type Worker } from 'tesseract.js';
import type { Word } from '../layout/geometry.js';
import { buildLines } from '../layout/lines.js';
import { type Blob, labelBlobs } from './despeckle.js';
import { type CanvasMaker, INK, type OcrCanvas, prepareForOcr, speckArea } from './prepare-image.js';
import { renderPage } from './render-page.js';
import { CropReader, type PxBox } from './reread.js';

interface TessWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}
interface TessBlock {
  paragraphs: { lines: { words: TessWord[] }[] }[];
}
interface ImageCtx {
  getImageData(x: number, y: number, w: number, h: number): { width: number; height: number; data: Uint8ClampedArray };
}

export const NUMERIC = /^[-+(<>]?[\d.,]*\d[\d.,]*[)%]?$/;
const DIGITS = '0123456789.,-';

/** Confidence ceiling for a word whose text had to be repaired or was read a second time by inference. */
export const CLEANED_CONF = 0.85;
/** Second reads per page, at most: each costs a tesseract call. */
const MAX_REREADS = 60;

/**
 * Repairs the typical OCR artefacts around numbers: table rules read as "|", "[" or "]" stuck to
 * digits, a low comma or quote ("„023", "‚162") where a US leading dot was printed, a trailing
 * colon, dot, dash or middle dot from a speck. A lone rule glyph is dropped. Words that are not numeric after
 * the repair are returned unchanged (a bracket in "[MPa]" is real).
 */
export function cleanToken(raw: string): string {
  if (/^[|[\]{}!]+$/.test(raw)) return '';
  let s = raw.replace(/^[|[\]{}]+|[|[\]{}]+$/g, '');
  s = s.replace(/^([-+]?)[„‚,](?=\d)/, '$1.').replace(/(?<=\d)[:·•'’.,_-]+$/, '');
  return NUMERIC.test(s) ? s : raw;
}

/**
 * Letter sequences that are the classic misreads of accented letters rather than spelling: "ii"
 * inside a word for "ü" ("Miiller"), "&" between letters for "è" ("pi&ces"). Tesseract is sure of
 * such words all the same, so they are kept out of auto-accept here.
 */
export function misreadShape(text: string): boolean {
  return /\p{L}ii\p{L}/iu.test(text) || /\p{Ll}&\p{Ll}/u.test(text);
}

/**
 * OCR of one page: rendered at 300 dpi, cleaned (deskew, rules, specks), read with sparse-text
 * segmentation (forms and ruled tables are islands of text, not paragraphs). Then two second
 * looks at crops of the page: ink the page pass left unread (single header letters such as "P"
 * or "S" are often dropped as noise), and numbers, digits only, where the first reading is
 * doubtful or where ink beside the number was not part of it (a leading decimal point).
 */
export async function ocrPage(worker: Worker, doc: PDFDocumentProxy, page: PDFPageProxy, pageNo: number, dpi = 300): Promise<Word[]> {
  const rendered = await renderPage(doc, page, dpi);
  const scale = rendered.scale;
  const maker = doc.canvasFactory as CanvasMaker;
  // Deskew and clean-up happen here, not in tesseract: word boxes then match the image that the
  // second reads crop from.
  const { canvas } = prepareForOcr(rendered.canvas as unknown as OcrCanvas, maker, scale);
  await worker.setParameters({
    tessedit_pageseg_mode: PSM.SPARSE_TEXT,
    tessedit_char_whitelist: '',
    user_defined_dpi: String(Math.round(scale * 72)),
  });
  const { data } = await worker.recognize(await canvas.encode('png'), {}, { blocks: true, text: false });
  const tess = ((data.blocks ?? []) as unknown as TessBlock[]).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
  const words: Word[] = [];
  for (const t of tess) {
    const raw = t.text.trim();
    const text = cleanToken(raw);
    if (!text) continue;
    const cleaned = text !== raw;
    // A token that needed repair is not a clean reading, whatever tesseract says: keep it out of
    // auto-accept unless the digit re-read confirms it.
    const conf = cleaned || misreadShape(text) ? Math.min(t.confidence / 100, CLEANED_CONF) : t.confidence / 100;
    words.push(toWord(text, conf, t.bbox, scale, pageNo));
  }
  const img = (canvas.getContext('2d') as ImageCtx).getImageData(0, 0, canvas.width, canvas.height);
  const { blobs } = labelBlobs(img, INK);
  const reader = new CropReader(worker, canvas, maker);
  try {
    const budget = { left: MAX_REREADS };
    words.push(...(await readUnreadInk(reader, blobs, words, scale, pageNo, speckArea(scale), budget)));
    await rereadNumbers(reader, blobs, words, scale, speckArea(scale), budget);
  } finally {
    await reader.reset();
  }
  return words;
}

function toWord(text: string, conf: number, b: PxBox, scale: number, page: number): Word {
  return { text, page, x0: b.x0 / scale, y0: b.y0 / scale, x1: b.x1 / scale, y1: b.y1 / scale, source: 'ocr', conf };
}

const px = (w: Word, scale: number): PxBox => ({ x0: w.x0 * scale, y0: w.y0 * scale, x1: w.x1 * scale, y1: w.y1 * scale });

function median(ns: number[]): number {
  const s = [...ns].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * Blobs of ink that no word covers, grouped into word-sized clusters and read one by one. A
 * cluster must be as tall as half a typical word and hold more than specks; what it reads must be
 * confident, or it stays unread.
 */
async function readUnreadInk(
  reader: CropReader,
  blobs: readonly Blob[],
  words: readonly Word[],
  scale: number,
  pageNo: number,
  speck: number,
  budget: { left: number },
): Promise<Word[]> {
  const boxes = words.map((w) => px(w, scale));
  const h = median(boxes.filter((_, i) => (words[i]?.text.length ?? 0) >= 2).map((b) => b.y1 - b.y0));
  if (h <= 0) return [];
  const covered = (b: Blob) => {
    const cx = (b.x0 + b.x1) / 2;
    const cy = (b.y0 + b.y1) / 2;
    return boxes.some((w) => cx >= w.x0 - 3 && cx <= w.x1 + 3 && cy >= w.y0 - 3 && cy <= w.y1 + 3);
  };
  const loose = blobs.filter((b) => b.y1 - b.y0 < 3 * h && b.x1 - b.x0 < 6 * h && !covered(b));
  const clusters = clusterBlobs(loose, h).filter(
    (c) => c.box.y1 - c.box.y0 >= 0.5 * h && c.members.some((b) => b.area > speck) && c.box.x1 - c.box.x0 < 20 * h,
  );
  const out: Word[] = [];
  for (const c of clusters) {
    if (budget.left-- <= 0) break;
    const ratio = (c.box.x1 - c.box.x0) / (c.box.y1 - c.box.y0);
    // One glyph alone: word mode doubles it ("Ss") or doubts it; character mode does not.
    const lone = ratio < 1.3 && c.members.filter((b) => b.area > speck).length === 1;
    const psm = ratio > 4 ? PSM.SINGLE_LINE : lone ? PSM.SINGLE_CHAR : PSM.SINGLE_WORD;
    const r = await reader.read(grow(c.box, 2), psm);
    const glyphs = c.members.filter((b) => b.area > speck).length;
    // One glyph is one character: word and character modes both double a lone letter ("Ss").
    const text = glyphs === 1 ? r.text.replace(/^(\p{L})\1$/iu, '$1') : r.text;
    const tokens = text.split(/\s+/).map(cleanToken).filter(Boolean);
    if (r.conf < 0.6 || tokens.length === 0 || !tokens.some((t) => /[\p{L}\d]/u.test(t))) continue;
    out.push(...spread(tokens, c.box, r.conf, scale, pageNo));
  }
  return out;
}

/** Tokens of one crop reading laid out across the crop's width in proportion to their length. */
function spread(tokens: string[], box: PxBox, conf: number, scale: number, pageNo: number): Word[] {
  const chars = tokens.reduce((n, t) => n + t.length, 0) + tokens.length - 1;
  const unit = (box.x1 - box.x0) / Math.max(1, chars);
  let x = box.x0;
  return tokens.map((t) => {
    const w = toWord(t, conf, { x0: x, y0: box.y0, x1: x + t.length * unit, y1: box.y1 }, scale, pageNo);
    x += (t.length + 1) * unit;
    return w;
  });
}

function clusterBlobs(blobs: readonly Blob[], h: number): { box: PxBox; members: Blob[] }[] {
  const sorted = [...blobs].sort((a, b) => a.x0 - b.x0);
  const clusters: { box: PxBox; members: Blob[] }[] = [];
  for (const b of sorted) {
    const cy = (b.y0 + b.y1) / 2;
    const near = clusters.find((c) => b.x0 - c.box.x1 <= 0.5 * h && cy >= c.box.y0 - 0.5 * h && cy <= c.box.y1 + 0.5 * h);
    if (near) {
      near.members.push(b);
      near.box = union(near.box, b);
    } else clusters.push({ box: { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 }, members: [b] });
  }
  return clusters;
}

function union(a: PxBox, b: PxBox): PxBox {
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function grow(b: PxBox, d: number): PxBox {
  return { x0: b.x0 - d, y0: b.y0 - d, x1: b.x1 + d, y1: b.y1 + d };
}

/**
 * Ink on the number's line, within a narrow gap of it, that belongs to no other word: a decimal
 * point or minus the page pass left out. Returns the widened box and whether anything was added.
 */
function withAdjacentInk(box: PxBox, blobs: readonly Blob[], others: readonly PxBox[]): { box: PxBox; grew: boolean; added: Blob[] } {
  const h = box.y1 - box.y0;
  const gap = 0.6 * h;
  let out = box;
  let grew = false;
  const added: Blob[] = [];
  const near = blobs.filter(
    (b) => b.y0 >= box.y0 - 0.3 * h && b.y1 <= box.y1 + 0.3 * h && b.x1 >= box.x0 - 3 * h && b.x0 <= box.x1 + 3 * h,
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of near) {
      const cx = (b.x0 + b.x1) / 2;
      const cy = (b.y0 + b.y1) / 2;
      const dist = b.x0 > out.x1 ? b.x0 - out.x1 : out.x0 - b.x1;
      // A glyph the word's box clips is its own ink, not an addition.
      if ((cx >= out.x0 && cx <= out.x1) || dist > gap) continue;
      if (others.some((o) => cx >= o.x0 && cx <= o.x1 && cy >= o.y0 && cy <= o.y1)) continue;
      out = union(out, b);
      added.push(b);
      grew = changed = true;
    }
  }
  return { box: out, grew, added };
}

/**
 * "02" with a dot-sized blob just before it, at its baseline: a US ".02" whose point the reads
 * missed (tesseract drops a leading point even in a digits-only crop). Nobody prints "02" in a
 * column of figures, so the ink decides; the repair stays below auto-accept.
 */
function leadingDot(w: Word, box: PxBox, added: readonly Blob[], speck: number): Word | undefined {
  if (!/^0\d+$/.test(w.text) || added.length !== 1) return undefined;
  const b = added[0] as Blob;
  const h = box.y1 - box.y0;
  const isPoint = b.x1 <= box.x0 + 1 && b.area <= 2 * speck && b.y1 - b.y0 <= 0.35 * h && Math.abs(b.y1 - box.y1) <= 0.25 * h;
  return isPoint ? { ...w, text: `.${w.text}`, conf: Math.min(w.conf, CLEANED_CONF) } : undefined;
}

/**
 * Second, digits-only reads of numbers: doubtful or repaired ones, ones with unread ink beside
 * them, ones printed as "02" (a US ".02" whose dot was lost), and short non-numeric tokens in a
 * row of numbers ("AT" where "77.2" is printed). A number split around its lost decimal point
 * ("3 2") is read again as one crop. What the second read infers stays below auto-accept.
 */
async function rereadNumbers(
  reader: CropReader,
  blobs: readonly Blob[],
  words: Word[],
  scale: number,
  speck: number,
  budget: { left: number },
): Promise<void> {
  const rowOf = new Map<Word, Word[]>();
  for (const line of buildLines(words)) for (const w of line.words) rowOf.set(w, line.words);
  const dropped = new Set<Word>();
  for (const [i, w] of words.entries()) {
    if (dropped.has(w)) continue;
    const row = rowOf.get(w) ?? [w];
    const numeric = NUMERIC.test(w.text);
    const numbersInRow = row.filter((x) => x !== w && NUMERIC.test(x.text)).length;
    // A row of numbers, not a sentence that cites a few ("EN 10204 3.1").
    const stray = !numeric && numbersInRow >= 2 && numbersInRow >= (row.length - 1) / 2 && /^[^\s]{1,5}$/.test(w.text);
    if (!numeric && !stray) continue;
    const others = words.filter((x) => x !== w && !dropped.has(x)).map((x) => px(x, scale));
    const grown = withAdjacentInk(px(w, scale), blobs, others);
    const box = grown.box;
    // The next number on the row, right after ink that joins them: one number split in two.
    const h = box.y1 - box.y0;
    const partner =
      numeric && grown.grew
        ? row.find((x) => x !== w && NUMERIC.test(x.text) && x.x0 * scale >= box.x1 - 2 && x.x0 * scale - box.x1 <= 0.6 * h)
        : undefined;
    const doubtful = w.conf < 0.85 || w.conf === CLEANED_CONF || /^0\d/.test(w.text);
    if (numeric && !doubtful && !grown.grew) continue;
    if (budget.left-- <= 0) return;
    const crop = partner ? union(box, px(partner, scale)) : box;
    const read = await reader.read(grow(crop, 2), PSM.SINGLE_WORD, DIGITS);
    const r = { ...read, text: cleanToken(read.text) };
    const dotted = leadingDot(w, px(w, scale), grown.added, speck);
    if (dotted && !r.text.startsWith('.')) {
      words[i] = dotted;
      continue;
    }
    if (!r.text || !NUMERIC.test(r.text)) continue;
    const inferred = stray || grown.grew || partner !== undefined || /^0\d/.test(w.text) || read.text !== r.text;
    if (r.text === w.text) {
      // Two reads agree: the better confidence of the two stands.
      words[i] = { ...w, conf: Math.max(w.conf, r.conf) };
      continue;
    }
    if (r.conf < (inferred ? 0.75 : w.conf)) continue;
    const b = { x0: crop.x0 / scale, y0: crop.y0 / scale, x1: crop.x1 / scale, y1: crop.y1 / scale };
    words[i] = { ...w, ...b, text: r.text, conf: inferred ? Math.min(r.conf, CLEANED_CONF) : r.conf };
    if (partner) dropped.add(partner);
  }
  if (dropped.size > 0) {
    const kept = words.filter((w) => !dropped.has(w));
    words.splice(0, words.length, ...kept);
  }
}
