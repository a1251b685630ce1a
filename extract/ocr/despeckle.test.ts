import { describe, expect, it } from 'vitest';
import { despeckle, type GreyImage } from './despeckle.js';

function page(
  width: number,
  height: number,
): GreyImage & { ink(x: number, y: number, w: number, h: number): void; at(x: number, y: number): number } {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  return {
    width,
    height,
    data,
    ink(x, y, w, h) {
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) data[(yy * width + xx) * 4] = 20;
    },
    at: (x, y) => data[(y * width + x) * 4] as number,
  };
}

const opts = { threshold: 180, maxArea: 25, isolation: 16 };

describe('despeckle', () => {
  it('removes a speck alone on the paper', () => {
    const img = page(200, 100);
    img.ink(150, 50, 3, 3);
    expect(despeckle(img, opts)).toBe(1);
    expect(img.at(151, 51)).toBe(255);
  });

  it('keeps a decimal point beside its digits and an i-dot above its stem', () => {
    const img = page(200, 100);
    img.ink(40, 40, 12, 30); // a digit
    img.ink(58, 66, 4, 4); // the decimal point
    img.ink(68, 40, 12, 30); // the next digit
    img.ink(120, 45, 4, 25); // an i's stem
    img.ink(120, 38, 4, 4); // its dot
    expect(despeckle(img, opts)).toBe(0);
    expect(img.at(59, 67)).toBe(20);
    expect(img.at(121, 39)).toBe(20);
  });

  it('keeps print that falls apart into fragments: dust is sparse, broken glyphs are not', () => {
    const img = page(200, 100);
    for (let i = 0; i < 5; i++) img.ink(50 + i * 6, 50, 3, 3);
    expect(despeckle(img, opts)).toBe(0);
  });
});
