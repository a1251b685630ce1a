import type { Line } from '../layout/geometry.js';
import { cells } from '../layout/lines.js';
import type { DocClass } from '../types.js';

const SIGNALS: Record<Exclude<DocClass, 'other'>, RegExp[]> = {
  itp: [
    /inspection\s*(and|&)\s*test\s*plan/i,
    /\bITP\b/,
    /prüfplan|prüf- und inspektionsplan/i,
    /kontroll-?\s*og\s*testplan|inspeksjons-?\s*og\s*testplan/i,
    /plan d.inspection/i,
    /quality\s*control\s*plan/i,
  ],
  coc: [
    /certificate\s*of\s*(conformity|conformance|compliance)/i,
    /declaration\s*of\s*conformity/i,
    /konformitätserklärung|konformitätsbescheinigung|übereinstimmungserklärung/i,
    /samsvarserklæring|samsvarssertifikat/i,
    /certificat\s*de\s*conformité|déclaration\s*de\s*conformité/i,
  ],
  mill_cert: [
    /\b(EN|DIN)\s*(EN\s*)?10204\b|\bDIN\s*50049\b|\bISO\s*10474\b/i,
    /inspection\s*certificate|mill\s*test\s*(report|certificate)|material\s*(test\s*)?certificate|\bMTR\b|\bMTC\b/i,
    /abnahmeprüf(zeugnis|protokoll)|werkszeugnis|werksbescheinigung|materialprüfzeugnis/i,
    /certificat\s*de\s*réception|certificat\s*matière|materialsertifikat|inspeksjonssertifikat/i,
    /test\s*report/i,
  ],
};

/** OCR sprinkles quote marks and rule glyphs onto title words ("OF ‘CONFORMITY."); they carry no meaning here. */
function denoise(text: string): string {
  return text.replace(/[‘’'"„“”|[\]]/g, '');
}

/**
 * Class by title words, weighted towards the top of page 1 where titles sit; an ITP that lists
 * "EN 10204" as a reference or a CoC that mentions certificates still carries its own title.
 * A mill certificate also needs results (chemistry or mechanics) unless its title is explicit.
 */
export function classify(lines: readonly Line[], hasResults: boolean): { docClass: DocClass; confidence: number } {
  const page1 = lines.filter((l) => l.page === 1);
  // Titles are short lines near the top; table rows that cite "EN 10204" are not titles.
  const titleZone = page1
    .slice(0, 6)
    .filter((l) => cells(l).length <= 2)
    .map((l) => denoise(l.text))
    .join('\n');
  const body = lines.map((l) => denoise(l.text)).join('\n');
  const score = (k: keyof typeof SIGNALS) => SIGNALS[k].reduce((s, re) => s + (re.test(titleZone) ? 3 : 0) + (re.test(body) ? 1 : 0), 0);
  const scores: [DocClass, number][] = [
    ['itp', score('itp')],
    ['coc', score('coc')],
    ['mill_cert', score('mill_cert') + (hasResults ? 3 : 0)],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  const [best, second] = scores as [[DocClass, number], [DocClass, number]];
  if (best[1] < 3) return { docClass: 'other', confidence: 0.8 };
  const margin = best[1] - second[1];
  return { docClass: best[0], confidence: margin >= 3 ? 0.97 : margin > 0 ? 0.85 : 0.6 };
}
