/**
 * Image clean-up before OCR: deskew by projection profile, paint table rules white, remove
 * isolated specks and whiten the paper.
 * Tesseract reads ruling next to digits as "|", "[" or "]" and its own deskew leaves word boxes in
 * a rotated frame that crops of the original image no longer match; doing both here keeps one
 * image whose pixels and word boxes agree.
 */

import { despeckle } from './despeckle.js';

interface ImageDataLike {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
interface Ctx2d {
  getImageData(x: number, y: number, w: number, h: number): ImageDataLike;
  putImageData(d: ImageDataLike, x: number, y: number): void;
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  translate(x: number, y: number): void;
  rotate(a: number): void;
  drawImage(img: unknown, x: number, y: number): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
}
export interface OcrCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): unknown;
  encode(format: 'png'): Promise<Buffer>;
}
export interface CanvasMaker {
  create(w: number, h: number): { canvas: unknown; context: unknown };
}

const DARK = 140;
/** Grey level below which a pixel is ink for speck removal and blob analysis. */
export const INK = 180;
/** Paper: anything this light is background (JPEG ringing, removed rules' and specks' halos). */
const PAPER = 215;

/** Largest blob, in pixels, that may be dust rather than a glyph: a square of about 1.2 pt. */
export function speckArea(scale: number): number {
  return Math.round((1.2 * scale) ** 2);
}

/** Skew of the text lines in radians (positive: lines descend to the right), from row profiles of dark pixels. */
export function estimateSkew(img: ImageDataLike, maxDeg = 4): number {
  const { width, height, data } = img;
  const xs: number[] = [];
  const ys: number[] = [];
  const step = 2;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      if ((data[(y * width + x) * 4] as number) < DARK) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length < 200) return 0;
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    const bins = new Float64Array(height + Math.ceil(width * Math.abs(t)) + 4);
    const off = t < 0 ? Math.ceil(width * -t) + 1 : 1;
    for (let i = 0; i < xs.length; i++) {
      const yy = Math.round((ys[i] as number) - (xs[i] as number) * t + off);
      bins[yy] = (bins[yy] as number) + 1;
    }
    let s = 0;
    for (const b of bins) s += b * b;
    return s;
  };
  let best = 0;
  let bestScore = score(0);
  for (let d = -maxDeg; d <= maxDeg + 1e-9; d += 0.2) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  const coarse = best;
  for (let d = coarse - 0.2; d <= coarse + 0.2 + 1e-9; d += 0.02) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  return (best * Math.PI) / 180;
}

/**
 * Paints long horizontal and vertical runs of dark pixels white: table rules and box frames.
 * Runs shorter than `minH` / `minV` pixels are glyph strokes and stay.
 */
export function removeRules(img: ImageDataLike, minH: number, minV: number): void {
  const { width, height, data } = img;
  // Rules are often printed grey and thin, so a run counts anything clearly not paper.
  const dark = (x: number, y: number) => (data[(y * width + x) * 4] as number) < 200;
  const paint: Uint8Array = new Uint8Array(width * height);
  const gap = 2;
  for (let y = 0; y < height; y++) {
    let start = -1;
    let last = -1;
    for (let x = 0; x <= width; x++) {
      const d = x < width && dark(x, y);
      if (d) {
        if (start < 0) start = x;
        last = x;
      } else if (start >= 0 && (x - last > gap || x === width)) {
        if (last - start + 1 >= minH) for (let k = start; k <= last; k++) paint[y * width + k] = 1;
        start = -1;
      }
    }
  }
  for (let x = 0; x < width; x++) {
    let start = -1;
    let last = -1;
    for (let y = 0; y <= height; y++) {
      const d = y < height && dark(x, y);
      if (d) {
        if (start < 0) start = y;
        last = y;
      } else if (start >= 0 && (y - last > gap || y === height)) {
        const len = last - start + 1;
        // A shorter stroke still is a rule when it ends on a horizontal rule: the side of a box.
        const frame =
          len >= minV / 2 && (touchesRule(paint, width, height, x, start - 1) || touchesRule(paint, width, height, x, last + 1));
        if (len >= minV || frame) for (let k = start; k <= last; k++) paint[k * width + x] = 1;
        start = -1;
      }
    }
  }
  // Widen by two pixels (separable box dilation): anti-aliased rule edges are grey, not dark,
  // and would otherwise remain as hairlines.
  const r = 2;
  const wide = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (paint[y * width + x] !== 1) continue;
      for (let k = Math.max(0, x - r); k <= Math.min(width - 1, x + r); k++) wide[y * width + k] = 1;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      if (wide[y * width + x] !== 1) continue;
      for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r); k++) paint[k * width + x] = 1;
    }
  }
  for (let i = 0; i < paint.length; i++) {
    if (paint[i] !== 1) continue;
    const p = i * 4;
    data[p] = 255;
    data[p + 1] = 255;
    data[p + 2] = 255;
  }
}

/** A horizontal rule's pixel at (x, y) or just around it: where a box side meets the box's top or bottom. */
function touchesRule(paint: Uint8Array, width: number, height: number, x: number, y: number): boolean {
  for (let dy = -3; dy <= 3; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -3; dx <= 3; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < width && paint[yy * width + xx] === 1) return true;
    }
  }
  return false;
}

/** Light grey to white: leaves only ink and its edges for tesseract's own binarisation. */
function whitenPaper(img: ImageDataLike): void {
  const d = img.data;
  for (let p = 0; p < d.length; p += 4) {
    if ((d[p] as number) < PAPER) continue;
    d[p] = 255;
    d[p + 1] = 255;
    d[p + 2] = 255;
  }
}

/** Greyscale in place (red channel carries the grey value afterwards). */
function toGrey(img: ImageDataLike): void {
  const d = img.data;
  for (let p = 0; p < d.length; p += 4) {
    const g = Math.round(0.299 * (d[p] as number) + 0.587 * (d[p + 1] as number) + 0.114 * (d[p + 2] as number));
    d[p] = g;
    d[p + 1] = g;
    d[p + 2] = g;
  }
}

/**
 * Deskewed, rule-free copy of a rendered page. `scale` is pixels per point; rule lengths are set in
 * points so they hold at any resolution.
 */
export function prepareForOcr(canvas: OcrCanvas, maker: CanvasMaker, scale: number): { canvas: OcrCanvas; skew: number } {
  const ctx = canvas.getContext('2d') as Ctx2d;
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  toGrey(img);
  const skew = estimateSkew(img);
  let out = canvas;
  let outImg = img;
  if (Math.abs(skew) > (0.05 * Math.PI) / 180) {
    const made = maker.create(canvas.width, canvas.height);
    const c = made.canvas as OcrCanvas;
    const cx = made.context as Ctx2d;
    cx.fillStyle = '#ffffff';
    cx.fillRect(0, 0, c.width, c.height);
    cx.translate(c.width / 2, c.height / 2);
    cx.rotate(-skew);
    cx.drawImage(canvas, -canvas.width / 2, -canvas.height / 2);
    cx.setTransform(1, 0, 0, 1, 0, 0);
    out = c;
    outImg = cx.getImageData(0, 0, c.width, c.height);
    toGrey(outImg);
  }
  removeRules(outImg, Math.round(30 * scale), Math.round(18 * scale));
  despeckle(outImg, { threshold: INK, maxArea: speckArea(scale), isolation: Math.round(4 * scale) });
  whitenPaper(outImg);
  (out.getContext('2d') as Ctx2d).putImageData(outImg, 0, 0);
  return { canvas: out, skew };
}
