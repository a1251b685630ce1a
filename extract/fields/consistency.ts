import type { FieldSet } from './field-set.js';

/**
 * Cross-checks between values. A failed check does not remove a value (it may be printed that
 * way); it lowers confidence below auto-accept so a person looks at it.
 */
export function checkConsistency(set: FieldSet, chemistryHeats: readonly string[]): void {
  const f = set.fields;
  if (f.yieldStrengthMpa !== undefined && f.tensileStrengthMpa !== undefined && f.yieldStrengthMpa >= f.tensileStrengthMpa) {
    set.penalise('yieldStrengthMpa', 0.6);
    set.penalise('tensileStrengthMpa', 0.6);
  }
  if (f.yieldStrengthMpa !== undefined && (f.yieldStrengthMpa < 100 || f.yieldStrengthMpa > 2000)) set.penalise('yieldStrengthMpa', 0.6);
  if (f.tensileStrengthMpa !== undefined && (f.tensileStrengthMpa < 150 || f.tensileStrengthMpa > 2500))
    set.penalise('tensileStrengthMpa', 0.6);
  if (f.elongationPct !== undefined && (f.elongationPct < 2 || f.elongationPct > 80)) set.penalise('elongationPct', 0.6);
  if (f.heatNumbers && chemistryHeats.length > 0) {
    const known = new Set(chemistryHeats.map((h) => h.toUpperCase()));
    if (!f.heatNumbers.every((h) => known.has(h.toUpperCase()))) set.penalise('heatNumbers', 0.8);
  } else if (f.heatNumbers && chemistryHeats.length === 0 && f.chemistryByHeat) {
    set.penalise('heatNumbers', 0.8);
  }
  if (f.impactJ?.some((v) => v <= 0 || v > 500)) set.penalise('impactJ', 0.6);
  if (f.impactTempC !== undefined && (f.impactTempC < -273 || f.impactTempC > 100)) set.penalise('impactTempC', 0.5);
  if (f.chemistry) {
    const c = f.chemistry;
    const bad = Object.entries(c).some(
      ([el, v]) => v < 0 || (el !== 'Cr' && el !== 'Ni' && el !== 'Mo' && el !== 'Mn' && el !== 'Fe' && el !== 'Co' && el !== 'W' && v > 5),
    );
    if (bad) set.penalise('chemistry', 0.6);
  }
}
