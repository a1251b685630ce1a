import { describe, expect, it } from 'vitest';
import { cleanToken, misreadShape } from './ocr-page.js';

describe('cleanToken', () => {
  it('repairs rule glyphs, low commas and trailing specks around numbers', () => {
    expect(cleanToken('|0,14')).toBe('0,14');
    expect(cleanToken('„023')).toBe('.023');
    expect(cleanToken('1.58.')).toBe('1.58');
    expect(cleanToken('.023-')).toBe('.023');
    expect(cleanToken('0,005:')).toBe('0,005');
    expect(cleanToken('|')).toBe('');
  });

  it('leaves words and real signs alone', () => {
    expect(cleanToken('[MPa]')).toBe('[MPa]');
    expect(cleanToken('No.')).toBe('No.');
    expect(cleanToken('-20')).toBe('-20');
  });
});

describe('misreadShape', () => {
  it('flags the usual misreads of accented letters and nothing in plain words', () => {
    expect(misreadShape('Miiller')).toBe(true);
    expect(misreadShape('pi&ces')).toBe(true);
    expect(misreadShape('Müller')).toBe(false);
    expect(misreadShape('pieces')).toBe(false);
    expect(misreadShape('R&D')).toBe(false);
  });
});
