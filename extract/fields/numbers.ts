/**
 * Parses a printed number: decimal comma or point, US leading-dot (".18"), thousands separators
 * ("52,300" only when the group has exactly three digits and the doc is not comma-decimal), and
 * the Unicode minus. Returns undefined for anything that is not wholly a number: a value that
 * merely contains digits is not a measurement.
 */
export function parseNumber(raw: string, commaDecimal = true): number | undefined {
  let s = raw
    .trim()
    .replace(/[−–]/g, '-')
    .replace(/^[([]+|[)\],;]+$/g, '');
  if (!/^[-+]?(\d+([.,]\d+)*|[.,]\d+)$/.test(s)) return undefined;
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) && (!commaDecimal || /,\d{3},/.test(s) || s.includes('.'))) {
    s = s.replace(/,/g, '');
  } else if (/^[-+]?\d{1,3}(\.\d{3}){2,}(,\d+)?$/.test(s)) {
    s = s.replace(/\./g, '').replace(',', '.');
  } else {
    if ((s.match(/[.,]/g) ?? []).length > 1) return undefined;
    s = s.replace(',', '.');
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** All numbers among whitespace-separated tokens, in order. */
export function numbersIn(text: string, commaDecimal = true): number[] {
  const out: number[] = [];
  for (const tok of text.split(/[\s/]+/)) {
    const n = parseNumber(tok, commaDecimal);
    if (n !== undefined) out.push(n);
  }
  return out;
}

export function round(n: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(n * f) / f;
}
