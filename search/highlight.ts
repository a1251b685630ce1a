/**
 * Snippets go to browsers: the extracted text of an uploaded file is attacker-controlled, so the
 * whole snippet is HTML-escaped and only the matched words are wrapped in `<mark>`.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Control characters never belong in indexed text (nor in a snippet). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
export const stripControl = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');

/** Words before the first match in a snippet, and words in all. */
const LEAD_WORDS = 8;
const SNIPPET_WORDS = 30;

/**
 * A snippet of `excerpt` (a window of the body around the query's longest word, cut by the
 * search statement) as safe HTML: about 30 words from a little before the first word of the query
 * found in it, each word of the query marked, matched as the 'simple' text search configuration
 * does (case-insensitive, whole words; "M-650" is the words "m" and "650"). Null when no word of
 * the query is in it. `cutBefore`/`cutAfter`: the window starts or ends inside the body, so its
 * first or last word may be a fragment and is dropped. (Done here rather than by ts_headline,
 * which cost PostgreSQL ~80 µs a hit, a sixth of a broad search.)
 */
export function excerptHtml(
  excerpt: string | null,
  queryWords: readonly string[],
  cut: { before: boolean; after: boolean },
): string | null {
  if (!excerpt) return null;
  const wanted = new Set(queryWords.flatMap((w) => w.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []));
  const tokens = [...excerpt.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0] }));
  if (cut.before && tokens[0]?.start === 0) tokens.shift();
  if (cut.after && tokens.at(-1)?.end === excerpt.length) tokens.pop();
  const first = tokens.findIndex((t) => wanted.has(t.word.toLowerCase()));
  if (first < 0) return null;
  const from = Math.max(0, first - LEAD_WORDS);
  const shown = tokens.slice(from, from + SNIPPET_WORDS);
  // From the window's start when no word is left out before; punctuation after the last word kept.
  let at = from === 0 && !cut.before ? 0 : (shown[0]?.start ?? 0);
  let html = '';
  for (const t of shown) {
    html += escapeHtml(excerpt.slice(at, t.start));
    html += wanted.has(t.word.toLowerCase()) ? `<mark>${escapeHtml(t.word)}</mark>` : escapeHtml(t.word);
    at = t.end;
  }
  html += escapeHtml(/^[^\s\p{L}\p{N}]*/u.exec(excerpt.slice(at))?.[0] ?? '');
  return html.replace(/\s+/g, ' ').trim();
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
