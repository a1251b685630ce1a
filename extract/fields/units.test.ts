import { describe, expect, it } from 'vitest';
import { temperatureIn, toCelsius, toJoule, toMpa } from './units.js';

describe('unit normalisation', () => {
  it('converts ksi, ft·lbf and °F to MPa, J and °C', () => {
    expect(toMpa(52.3, 'ksi')).toBe(361);
    expect(toJoule(45, 'ftlbf')).toBe(61);
    expect(toCelsius(-20, 'F')).toBe(-28.9);
  });
  it('finds a temperature with its unit', () => {
    expect(temperatureIn('CVN @ -50°F (FT-LBS)')).toEqual({ value: -50, unit: 'F' });
    expect(temperatureIn('bei / at -20 °C')).toEqual({ value: -20, unit: 'C' });
  });
});
