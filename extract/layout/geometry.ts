import type { Box, ValueSource } from '../types.js';

/** One positioned token from the text layer or OCR, in PDF points with a top-left origin. */
export interface Word {
  text: string;
  page: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  source: ValueSource;
  /** 0..1; text-layer words are 1. */
  conf: number;
}

export interface Line {
  page: number;
  words: Word[];
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boxOf(words: readonly Word[]): Box {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const w of words) {
    x0 = Math.min(x0, w.x0);
    y0 = Math.min(y0, w.y0);
    x1 = Math.max(x1, w.x1);
    y1 = Math.max(y1, w.y1);
  }
  return [round1(x0), round1(y0), round1(x1), round1(y1)];
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function minConf(words: readonly Word[]): number {
  return words.reduce((m, w) => Math.min(m, w.conf), 1);
}
