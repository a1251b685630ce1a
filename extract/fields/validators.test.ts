import { describe, expect, it } from 'vitest';
import { heatList, NORMALISERS, stripStrayMarks } from './validators.js';

const ctx = { usDates: false };

describe('value clean-up of OCR edge marks', () => {
  it('drops box sides, unpaired brackets, quotes and underscores at a value’s edges', () => {
    expect(stripStrayMarks('|Aker Subsea AS')).toBe('Aker Subsea AS');
    expect(stripStrayMarks('[EN 10028-2:2017')).toBe('EN 10028-2:2017');
    expect(stripStrayMarks('’: S355J2+N')).toBe('S355J2+N');
    expect(stripStrayMarks("S355J2+N'")).toBe('S355J2+N');
    expect(stripStrayMarks('[MPa]')).toBe('[MPa]');
    expect(stripStrayMarks('2" x 0.154"')).toBe('2" x 0.154"');
  });

  it('never ends a heat number or an identifier with a hyphen', () => {
    expect(heatList('BW-39170-')).toEqual(['BW-39170']);
    expect(heatList('S63120 _')).toEqual(['S63120']);
    expect(NORMALISERS.documentNumber?.('DR-98882-', ctx)).toBe('DR-98882');
  });

  it('reads a dollar sign before digits in a grade as the S it stands for', () => {
    expect(NORMALISERS.grade?.('UNS $32205', ctx)).toBe('UNS S32205');
  });
});
