import { describe, expect, it } from 'vitest';
import { parseNumber } from './numbers.js';

describe('parseNumber', () => {
  it('reads decimal commas, US leading dots and thousands separators', () => {
    expect(parseNumber('0,17')).toBe(0.17);
    expect(parseNumber('.012')).toBe(0.012);
    expect(parseNumber('52,300', false)).toBe(52300);
    expect(parseNumber('−46')).toBe(-46);
  });
  it('refuses text that only contains digits', () => {
    expect(parseNumber('A105')).toBeUndefined();
    expect(parseNumber('1.2.3')).toBeUndefined();
  });
});
