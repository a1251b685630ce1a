import { describe, expect, it } from 'vitest';
import { capText, MAX_TEXT_BYTES } from './store-extraction.js';

describe('capText', () => {
  it('keeps a certificate-sized text as it is, without NULs', () => {
    expect(capText('Heat 123456\fpage 2\u0000')).toBe('Heat 123456\fpage 2');
  });

  it('cuts a longer text at 1 MiB of UTF-8 without splitting a character', () => {
    const text = 'Prüfzeugnis ø 3.1 – '.repeat(60_000);
    const capped = capText(text);
    const bytes = Buffer.byteLength(capped);
    expect(bytes).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(bytes).toBeGreaterThan(MAX_TEXT_BYTES - 4);
    expect(text.startsWith(capped)).toBe(true);
  });
});
