import { describe, expect, it } from 'vitest';
import type { Word } from './geometry.js';
import { buildLines } from './lines.js';

const w = (text: string, x0: number, y0: number, x1: number, y1: number): Word => ({
  text,
  page: 1,
  x0,
  y0,
  x1,
  y1,
  source: 'ocr',
  conf: 0.95,
});

describe('buildLines', () => {
  it('keeps OCR words of one line together when their boxes jitter and a colon sorts between them', () => {
    const lines = buildLines([
      w('Client', 40.3, 108.7, 61.4, 118.3),
      w(':', 65, 110.6, 65.8, 115),
      w('Vestland', 69.4, 105.8, 100.8, 115.2),
      w('Fabrication', 103.7, 107.8, 143.5, 118.8),
      w('AS', 146.9, 104.6, 160.1, 115),
      w('Date', 40, 96, 56, 102),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['Date', 'Client : Vestland Fabrication AS']);
  });

  it('does not merge two table rows', () => {
    const lines = buildLines([w('0.12', 100, 100, 120, 108), w('0.13', 100, 112, 120, 120), w('Si', 140, 100.5, 150, 108)]);
    expect(lines.map((l) => l.text)).toEqual(['0.12 Si', '0.13']);
  });
});
