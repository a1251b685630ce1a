import { round } from './numbers.js';

/** Unit conversions to the canonical units of the result (MPa, J, °C). Exact factors, rounded once. */
export const KSI_TO_MPA = 6.894757;
export const PSI_TO_MPA = 0.006894757;
export const FTLBF_TO_J = 1.355818;

export type StressUnit = 'MPa' | 'ksi' | 'psi';
export type EnergyUnit = 'J' | 'ftlbf';
export type TempUnit = 'C' | 'F';

export function toMpa(v: number, unit: StressUnit): number {
  if (unit === 'ksi') return Math.round(v * KSI_TO_MPA);
  if (unit === 'psi') return Math.round(v * PSI_TO_MPA);
  return v;
}

export function toJoule(v: number, unit: EnergyUnit): number {
  return unit === 'ftlbf' ? round(v * FTLBF_TO_J, 1) : v;
}

export function toCelsius(v: number, unit: TempUnit): number {
  return unit === 'F' ? round(((v - 32) * 5) / 9, 1) : v;
}

export function stressUnitIn(text: string): StressUnit | undefined {
  if (/\bksi\b/i.test(text)) return 'ksi';
  if (/\bpsi\b/i.test(text)) return 'psi';
  if (/MPa|N\/mm/i.test(text)) return 'MPa';
  return undefined;
}

export function energyUnitIn(text: string): EnergyUnit | undefined {
  if (/ft[\s.·-]*lb/i.test(text)) return 'ftlbf';
  if (/\bJ\b|joule/i.test(text)) return 'J';
  return undefined;
}

/** A temperature printed with its unit: "-20 °C", "@ -50°F", "bei / at 0 °C". */
export function temperatureIn(text: string): { value: number; unit: TempUnit } | undefined {
  const m = /([-−+]?\d+(?:[.,]\d+)?)\s*°\s*([CF])\b/i.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  return { value: Number(m[1].replace('−', '-').replace(',', '.')), unit: m[2].toUpperCase() as TempUnit };
}
