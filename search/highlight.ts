/**
 * Snippets go to browsers: the extracted text of an uploaded file is attacker-controlled, so the
 * whole snippet is HTML-escaped and only our own markers become `<mark>`. Postgres marks matches
 * with control characters that cannot survive in extracted text (the indexer strips them).
 */
export const START_MARK = '\u0002';
export const STOP_MARK = '\u0003';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Control characters never belong in indexed text; removing them keeps the markers ours. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
export const stripControl = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');

/** A ts_headline fragment (with our markers) as safe HTML; null when nothing in it matched. */
export function headlineHtml(headline: string | null): string | null {
  if (!headline?.includes(START_MARK)) return null;
  return escapeHtml(headline.replace(/\s+/g, ' ').trim()).replaceAll(START_MARK, '<mark>').replaceAll(STOP_MARK, '</mark>');
}

/** `label: value` with the part equal to `needle` (case-insensitive) marked, or all of it for a near miss. */
export function markIdentifier(label: string, value: string, needle: string): string {
  const at = value.toUpperCase().indexOf(needle.toUpperCase());
  if (at < 0) return `${escapeHtml(label)}: <mark>${escapeHtml(value)}</mark>`;
  const end = at + needle.length;
  return `${escapeHtml(label)}: ${escapeHtml(value.slice(0, at))}<mark>${escapeHtml(value.slice(at, end))}</mark>${escapeHtml(value.slice(end))}`;
}

/** An identifier without separators (hyphens, slashes, dots, …), as `search_entries_identifiers_compact` indexes it. */
export const compactIdentifier = (value: string) => value.replace(/[^\p{L}\p{N}]/gu, '');

/** Whether `needle` is in `value`, or (in typo mode) at most one edit away from a part of it. */
export function identifierMatches(value: string, needle: string, typo: boolean): boolean {
  const v = value.toUpperCase();
  const n = needle.toUpperCase();
  if (v.includes(n)) return true;
  // Typed without separators, a needle matches across them: "2143" is in "21-43567" (as in the search).
  if (n === compactIdentifier(n) && n && compactIdentifier(v).includes(n)) return true;
  if (!typo) return false;
  for (let len = n.length - 1; len <= n.length + 1; len++) {
    for (let i = 0; i + len <= v.length; i++) if (withinOneEdit(v.slice(i, i + len), n)) return true;
  }
  return false;
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length)
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
