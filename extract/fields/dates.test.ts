import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.js';

describe('parseDate', () => {
  it('normalises the printed forms to ISO', () => {
    expect(parseDate('12.03.2024')).toBe('2024-03-12');
    expect(parseDate('2024-03-12')).toBe('2024-03-12');
    expect(parseDate('12 März 2024')).toBe('2024-03-12');
    expect(parseDate('March 12, 2024')).toBe('2024-03-12');
  });
  it('reads slashes day-first unless the document is a US one', () => {
    expect(parseDate('03/12/2024')).toBe('2024-12-03');
    expect(parseDate('03/12/2024', true)).toBe('2024-03-12');
    expect(parseDate('13/12/2024', true)).toBe('2024-12-13');
  });
  it('rejects impossible dates instead of guessing', () => {
    expect(parseDate('31.02.2024')).toBeUndefined();
  });
});
