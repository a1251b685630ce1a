import { describe, expect, it } from 'vitest';
import { gradeInfo, normaliseGrade } from './grades.js';

const overlaps = (a: string, b: string) => gradeInfo(a).keys.some((k) => gradeInfo(b).keys.includes(k));

describe('grade normalisation', () => {
  it.each([
    ['UNS S31803', 'S31803'],
    ['uns s 31803', 'S31803'],
    ['ASTM A182 F51', 'F51'],
    ['SA-182 F51', 'F51'],
    ['1.4462', '1.4462'],
    ['W.Nr. 1.4462', '1.4462'],
    ['22Cr Duplex', '22CRDUPLEX'],
    ['AISI 316L', '316L'],
    ['SS316L', '316L'],
    ['A312 TP316L', '316L'],
    ['S355J2+N', 'S355J2'],
    ['13CrMo4-5', '13CRMO45'],
    ['Inconel 625', '625'],
    ['A106 Gr. B', 'A106B'],
    ['A350 LF2', 'LF2'],
    ['A234 WPB', 'WPB'],
  ])('%s → %s', (printed, key) => {
    expect(normaliseGrade(printed)).toBe(key);
  });

  it('keeps an unknown grade as its own normalised key', () => {
    expect(gradeInfo('Super-Alloy X 9')).toEqual({ keys: ['SUPERALLOYX9'], family: null });
    expect(gradeInfo('ASTM A182 F99').keys).toEqual(['F99']);
    expect(gradeInfo('')).toEqual({ keys: [], family: null });
  });
});

describe('grade equivalence', () => {
  it('maps every name of a material to the same group and family', () => {
    for (const name of ['S31803', 'F51', '1.4462', '2205', '22Cr duplex', 'ASTM A182 F51', 'UNS S31803']) {
      expect(overlaps(name, 'UNS S31803')).toBe(true);
      expect(gradeInfo(name).family).toBe('duplex');
    }
    expect(overlaps('316L', 'S31603')).toBe(true);
    expect(overlaps('F55', '1.4501')).toBe(true);
    expect(overlaps('254 SMO', 'F44')).toBe(true);
    expect(overlaps('Alloy 825', '2.4858')).toBe(true);
    expect(overlaps('P265GH', '1.0425')).toBe(true);
    expect(gradeInfo('S32750').family).toBe('super duplex');
    expect(gradeInfo('16Mo3').family).toBe('low-alloy steel');
  });

  it('does not confuse neighbouring materials', () => {
    expect(overlaps('316L', '316')).toBe(false);
    expect(overlaps('304L', '304')).toBe(false);
    expect(overlaps('S31803', 'S32750')).toBe(false);
    expect(overlaps('625', '825')).toBe(false);
  });

  it('reads certificates that print several names', () => {
    const info = gradeInfo('1.4404 / 316L');
    expect(info.family).toBe('austenitic');
    expect(info.keys).toEqual(expect.arrayContaining(['1.4404', '316L', 'S31603', 'F316L']));
    expect(overlaps('UNS S31803 / S32205', 'F60')).toBe(true);
    expect(overlaps('UNS S31803 / S32205', 'F51')).toBe(true);
  });
});
