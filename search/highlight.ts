/**
 * Snippets go to browsers: the extracted text of an uploaded file is attacker-controlled, so the
 * whole snippet is HTML-escaped and only the matched words are wrapped in `<mark>`.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/;
// Tested first: most text has nothing to escape, and a replacement with a callback costs several times the test.
export const escapeHtml = (s: string) => (SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string) : s);

/** Control characters never belong in indexed text (nor in a snippet). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
export const stripControl = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');

/** Whitespace to collapse into one space: a run of it, or one character of it other than a space. */
const WHITESPACE_RUNS = /\s{2,}|[^\S ]/g;

/** A letter or digit: part of a word for the 'simple' text search parser (ASCII answered without a regular expression). */
function isWordChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return /[\p{L}\p{N}]/u.test(c);
}

/**
 * The query's words as the 'simple' text search configuration matches them: whole words,
 * case-insensitive, a word with separators as its parts ("M-650" is "m" and "650"), lower-cased,
 * longest first. Prepared once per search. Null when the query has no words.
 */
export function wordMatcher(queryWords: readonly string[]): string[] | null {
  const parts = [...new Set(queryWords.flatMap((w) => w.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))];
  return parts.length ? parts.sort((a, b) => b.length - a.length) : null;
}

/**
 * A body excerpt (a window around the query's longest word, cut by the search statement) as
 * safe HTML with each word of the query marked; null when none is in it. `cut.before`/`cut.after`:
 * the window starts or ends inside the body, so a fragment of a word there is dropped. (Done here
 * rather than by ts_headline, which cost PostgreSQL ~80 µs a hit, a sixth of a broad search; and
 * with indexOf rather than a Unicode regular expression with look-behind, which cost 15 µs a hit.)
 */
export function excerptHtml(
  excerpt: string | null,
  words: readonly string[] | null,
  cut: { before: boolean; after: boolean },
): string | null {
  if (!excerpt || !words) return null;
  let start = 0;
  let end = excerpt.length;
  if (cut.before) while (start < end && isWordChar(excerpt[start])) start++;
  if (cut.after) while (end > start && isWordChar(excerpt[end - 1])) end--;
  // Whitespace collapsed before marking (the marks and escapes add none): runs and other spaces
  // than ' ' only, as replacing every single space by itself cost a third of the snippet.
  const text = excerpt.slice(start, end).replace(WHITESPACE_RUNS, ' ').trim();
  const lower = text.toLowerCase();
  // Lower-casing that changes the length (a few non-Latin letters) would shift every position.
  if (lower.length !== text.length) return null;
  const found: Array<[number, number]> = [];
  for (const word of words) {
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
      if (!isWordChar(text[at - 1]) && !isWordChar(text[at + word.length])) found.push([at, at + word.length]);
    }
  }
  if (found.length === 0) return null;
  found.sort((x, y) => x[0] - y[0]);
  let html = '';
  let at = 0;
  for (const [from, to] of found) {
    if (from < at) continue; // inside a longer word already marked
    html += `${escapeHtml(text.slice(at, from))}<mark>${escapeHtml(text.slice(from, to))}</mark>`;
    at = to;
  }
  return `${html}${escapeHtml(text.slice(at))}`;
}

/**
 * The text of a window of UTF-8 bytes cut from a body (`excerpt` in postgres-search-sql.ts), as
 * PostgreSQL sends a bytea ("\\x" and hex): a character cut in two at either end is dropped, not
 * shown as a replacement character. Null for no window.
 */
export function utf8Window(hex: string | null): string | null {
  if (!hex) return null;
  const bytes = Buffer.from(hex.startsWith('\\x') ? hex.slice(2) : hex, 'hex');
  let start = 0;
  // Continuation bytes (10xxxxxx) before the first whole character.
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  let end = bytes.length;
  // The last character: from its lead byte, whole only when all its bytes are in the window.
  let lead = end - 1;
  while (lead > start && ((bytes[lead] as number) & 0xc0) === 0x80) lead--;
  if (lead >= start) {
    const b = bytes[lead] as number;
    const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (lead + length > end) end = lead;
  }
  return bytes.toString('utf8', start, end);
}

/** `label: value` with the part equal to `needle` (case-insensitive) marked, or all of it for a near miss. */
export function markIdentifier(label: string, value: string, needle: string): string {
  const at = value.toUpperCase().indexOf(needle.toUpperCase());
  if (at < 0) return `${escapeHtml(label)}: <mark>${escapeHtml(value)}</mark>`;
  const end = at + needle.length;
  return `${escapeHtml(label)}: ${escapeHtml(value.slice(0, at))}<mark>${escapeHtml(value.slice(at, end))}</mark>${escapeHtml(value.slice(end))}`;
}

/** An identifier without separators (hyphens, slashes, dots, …), as `search_entries_identifiers_scoped` indexes it. */
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
