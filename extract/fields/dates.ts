const MONTHS: Record<string, number> = {
  jan: 1,
  januar: 1,
  janvier: 1,
  feb: 2,
  februar: 2,
  février: 2,
  fevrier: 2,
  mar: 3,
  march: 3,
  märz: 3,
  maerz: 3,
  mars: 3,
  apr: 4,
  april: 4,
  avril: 4,
  may: 5,
  mai: 5,
  jun: 6,
  june: 6,
  juni: 6,
  juin: 6,
  jul: 7,
  july: 7,
  juli: 7,
  juillet: 7,
  aug: 8,
  august: 8,
  août: 8,
  aout: 8,
  sep: 9,
  sept: 9,
  september: 9,
  septembre: 9,
  oct: 10,
  october: 10,
  oktober: 10,
  okt: 10,
  octobre: 10,
  nov: 11,
  november: 11,
  novembre: 11,
  dec: 12,
  december: 12,
  dez: 12,
  dezember: 12,
  décembre: 12,
  des: 12,
  desember: 12,
};

/**
 * Finds a date in printed text and returns it as YYYY-MM-DD. Slash dates are ambiguous: day-first
 * unless the document is a US one (or the first part cannot be a day), as printed conventions go.
 */
export function parseDate(text: string, usFirst = false): string | undefined {
  let m = /\b(\d{4})[-./](\d{1,2})[-./](\d{1,2})\b/.exec(text);
  if (m) return iso(+(m[1] ?? 0), +(m[2] ?? 0), +(m[3] ?? 0));
  m = /\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b/.exec(text);
  if (m) {
    let a = +(m[1] ?? 0);
    let b = +(m[3] ?? 0);
    const y = year(m[4] ?? '');
    // Dots are always day-first; slashes follow the document's convention unless impossible.
    const monthFirst = m[2] !== '.' && ((usFirst && a <= 12) || b > 12);
    if (monthFirst) [a, b] = [b, a];
    return iso(y, b, a);
  }
  m = /\b(\d{1,2})\.?\s+([A-Za-zéûäà]{3,9})\.?,?\s+(\d{4})\b/.exec(text);
  if (m) {
    const mo = MONTHS[(m[2] ?? '').toLowerCase()];
    if (mo) return iso(+(m[3] ?? 0), mo, +(m[1] ?? 0));
  }
  m = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b/.exec(text);
  if (m) {
    const mo = MONTHS[(m[1] ?? '').toLowerCase()];
    if (mo) return iso(+(m[3] ?? 0), mo, +(m[2] ?? 0));
  }
  return undefined;
}

function year(s: string): number {
  const y = Number(s);
  return s.length === 2 ? 2000 + y : y;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (y < 1950 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCDate() !== d) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
