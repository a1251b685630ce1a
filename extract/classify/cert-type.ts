import type { CertType } from '../types.js';

export interface CertTypeHit {
  certType: CertType;
  raw: string;
}

const TYPE = String.raw`([23][.,]\s?[12](?:[.\s]?[ABC]\b)?)(?![\d.,]\d)`;
const NEAR_STD = [
  // "EN 10204:2004 - 3.1", "DIN EN 10204 3.1.B", "EN 10204 type 3.2"
  new RegExp(String.raw`(?:EN|DIN|ISO)\s*(?:EN\s*)?(?:10204|50049|10474)(?:\s*[:/]\s*\d{2,4})?\D{0,30}?\b${TYPE}`, 'i'),
  // "Inspection certificate 3.1 according to EN 10204", "Type 3.1 acc. to EN 10204"
  new RegExp(String.raw`(?:^|[\s(])${TYPE}\s[^\n]{0,40}(?:10204|50049|10474)`, 'i'),
];
const BY_NAME: [RegExp, CertType][] = [
  [/abnahmeprüfprotokoll/i, '3.2'],
  [/abnahmeprüfzeugnis/i, '3.1'],
  [/werkszeugnis/i, '2.2'],
  [/werksbescheinigung/i, '2.1'],
];

/**
 * EN 10204 type as printed. Legacy EN 10204:1991 / DIN 50049 types (3.1.A/B/C) map to today's
 * types — 3.1.B was the manufacturer's own inspection, now 3.1; 3.1.A/C were third-party, now 3.2.
 */
export function findCertType(text: string): CertTypeHit | undefined {
  for (const re of NEAR_STD) {
    const m = re.exec(text);
    if (m?.[1]) return normalise(m[1]);
  }
  for (const [re, t] of BY_NAME) {
    const m = re.exec(text);
    if (m) return { certType: t, raw: m[0] };
  }
  return undefined;
}

function normalise(raw: string): CertTypeHit | undefined {
  const r = raw.trim();
  const base = r.replace(',', '.').slice(0, 3).replace(/\s/g, '');
  const suffix = r.slice(3).replace(/[.\s]/g, '').toUpperCase();
  let certType = base as CertType;
  if (base === '3.1' && (suffix === 'A' || suffix === 'C')) certType = '3.2';
  if (!['2.1', '2.2', '3.1', '3.2'].includes(certType)) return undefined;
  return { certType, raw: r };
}
