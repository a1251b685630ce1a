/**
 * Removal of scanner specks: small blobs of ink with no glyph near them. Tesseract's layout
 * analysis takes every speck for a possible word (sparse-text mode looks for islands of text), so
 * a page sprinkled with dust reads as noise glued to real words. A small blob stays when a larger
 * blob (a glyph) is within about a character width: decimal points, i-dots, colons and commas
 * always sit next to the glyphs they belong to. Specks next to text stay too; only a reader with
 * the column's context can tell those from a decimal point.
 */

export interface GreyImage {
  width: number;
  height: number;
  /** RGBA; the red channel carries the grey value. */
  data: Uint8ClampedArray;
}

export interface DespeckleOptions {
  /** Grey level below which a pixel is ink. */
  threshold: number;
  /** Largest blob, in pixels, that may be a speck. */
  maxArea: number;
  /** A glyph's ink closer than this (pixels, in x or y) keeps a small blob. */
  isolation: number;
}

export interface Blob {
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Paints isolated specks (and their anti-aliased halo) white in place; returns how many were removed. */
export function despeckle(img: GreyImage, opts: DespeckleOptions): number {
  const { width, height, data } = img;
  const { label, blobs } = labelBlobs(img, opts.threshold);
  const small = (id: number) => (blobs[id] as Blob).area <= opts.maxArea;
  let removed = 0;
  for (const [id, b] of blobs.entries()) {
    if (b.area > opts.maxArea || nearGlyph(label, width, height, id, b, opts.isolation, small)) continue;
    // The halo is grey, not ink, and would stay behind as a faint dot; one pixel around the box
    // holds it, and nothing else is there (no glyph is near).
    for (let y = Math.max(0, b.y0 - 1); y <= Math.min(height - 1, b.y1 + 1); y++) {
      for (let x = Math.max(0, b.x0 - 1); x <= Math.min(width - 1, b.x1 + 1); x++) {
        const q = y * width + x;
        const l = label[q] as number;
        if (l !== -1 && l !== id && !small(l)) continue;
        const o = q * 4;
        data[o] = 255;
        data[o + 1] = 255;
        data[o + 2] = 255;
      }
    }
    removed++;
  }
  return removed;
}

/** 8-connected blobs of ink: a label per pixel (-1 for paper) and each blob's area and box. */
export function labelBlobs(img: GreyImage, threshold: number): { label: Int32Array; blobs: Blob[] } {
  const { width, height, data } = img;
  const label = new Int32Array(width * height).fill(-1);
  const blobs: Blob[] = [];
  const ink = (q: number) => (data[q * 4] as number) < threshold;
  const stack: number[] = [];
  for (let start = 0; start < label.length; start++) {
    if (label[start] !== -1 || !ink(start)) continue;
    const id = blobs.length;
    const b: Blob = { area: 0, x0: width, y0: height, x1: -1, y1: -1 };
    blobs.push(b);
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      b.area++;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          const q = yy * width + xx;
          if (label[q] === -1 && ink(q)) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
  }
  return { label, blobs };
}

/**
 * A glyph within `r` pixels, or a crowd of small blobs: a faint or broken print falls apart into
 * fragments at the ink threshold, while dust is sparse.
 */
function nearGlyph(
  label: Int32Array,
  width: number,
  height: number,
  self: number,
  b: Blob,
  r: number,
  small: (id: number) => boolean,
): boolean {
  const neighbours = new Set<number>();
  for (let y = Math.max(0, b.y0 - r); y <= Math.min(height - 1, b.y1 + r); y++) {
    const row = y * width;
    for (let x = Math.max(0, b.x0 - r); x <= Math.min(width - 1, b.x1 + r); x++) {
      const l = label[row + x] as number;
      if (l === -1 || l === self) continue;
      if (!small(l)) return true;
      neighbours.add(l);
    }
  }
  return neighbours.size >= CROWD;
}

/** Small blobs around a small blob that make it part of broken print rather than dust. */
const CROWD = 3;
