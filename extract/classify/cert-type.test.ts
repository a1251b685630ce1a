import { describe, expect, it } from 'vitest';
import { findCertType } from './cert-type.js';

describe('findCertType', () => {
  it('maps legacy 3.1.B to 3.1 and keeps the printed value', () => {
    expect(findCertType('Abnahmeprüfzeugnis DIN EN 10204 - 3.1.B')).toEqual({ certType: '3.1', raw: '3.1.B' });
  });
  it('reads the type before or after the standard', () => {
    expect(findCertType('Inspection certificate 3.2 according to EN 10204:2004')?.certType).toBe('3.2');
    expect(findCertType('EN 10204:2004 - 2.2')?.certType).toBe('2.2');
  });
  it('finds nothing when no type is printed', () => {
    expect(findCertType('CERTIFIED MILL TEST REPORT')).toBeUndefined();
  });
});
