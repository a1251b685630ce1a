/**
 * How a SearchDocument is stored in Meilisearch, and how a Meilisearch hit comes back.
 *
 * Ids: Meilisearch accepts only [a-zA-Z0-9_-] in a document id, while our keys look like
 * `rev:<uuid>:2`. `meiliId` encodes `<orgId>/<key>` reversibly (`_` + two hex digits for any other
 * character), so ids stay unique across organizations and a removal can never hit another org.
 *
 * Partial identifiers: Meilisearch matches words and a prefix of the last query word, never the
 * middle of a word. So every identifier is also indexed, normalized (upper case, letters and digits
 * only, `21-43567` → `2143567`), as:
 *   - `identifierSuffixes` (searchable, typo-free): its suffixes, so a free-text `q` of `2231`
 *     finds heat `4A2231` (prefix search on the suffix `2231`) — infix through prefix-of-suffix;
 *   - `heatGrams` / `poGrams` (filterable): every substring of 2+ characters, so the `heat=` and
 *     `po=` parameters are exact, typo-free filters for prefix and infix alike.
 * No typo tolerance on identifiers in this adapter (a heat number one digit off is another heat);
 * the Postgres adapter's trigram similarity is where one-typo identifier matches live.
 */
import type { SearchDocument } from '../port.js';

/** Identifiers longer than this are indexed by their first MAX_GRAM characters' substrings only. */
const MAX_GRAM = 24;
const MIN_SUFFIX = 3;

/** The private-use characters Meilisearch wraps matches in; turned into `<mark>` after HTML-escaping. */
export const HIGHLIGHT_PRE = '\uE000';
export const HIGHLIGHT_POST = '\uE001';
const highlightTags = /[\uE000\uE001]/g;

/**
 * An index entry as Meilisearch stores it: the port's document with the optional fields made
 * explicit, the issue date as a number (range filters and sorting), and the identifier grams
 * that stand in for infix search.
 */
export interface MeiliDocument extends Omit<SearchDocument, 'issueDate' | 'product' | 'manufacturer' | 'exportControlled'> {
  id: string;
  exportControlled: boolean;
  product: string | null;
  manufacturer: string | null;
  /** Midnight UTC of the issue date in Unix seconds: numeric, so range filters and sorting work. */
  issueDate: number | null;
  issueYear: number | null;
  identifierSuffixes: string[];
  heatGrams: string[];
  poGrams: string[];
}

export function meiliId(orgId: string, key: string): string {
  return `${orgId}/${key}`.replace(/[^a-zA-Z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Upper case, letters and digits only; how identifiers are compared in this adapter. */
export function normalizeIdentifier(value: string): string {
  return value.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** The one gram a `heat=` / `po=` parameter is looked up by, or null when too short to mean anything. */
export function identifierGramKey(value: string): string | null {
  const normalized = normalizeIdentifier(value).slice(0, MAX_GRAM);
  return normalized.length >= 2 ? normalized : null;
}

function grams(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const s = normalizeIdentifier(value).slice(0, MAX_GRAM);
    for (let start = 0; start < s.length; start++) {
      for (let end = start + 2; end <= s.length; end++) out.add(s.slice(start, end));
    }
  }
  return [...out];
}

function suffixes(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const s = normalizeIdentifier(value);
    for (let start = 0; start + MIN_SUFFIX <= s.length; start++) out.add(s.slice(start));
  }
  return [...out];
}

export function toMeiliDocument(doc: SearchDocument): MeiliDocument {
  const identifiers = [
    ...doc.heatNumbers,
    ...(doc.poNumber ? [doc.poNumber] : []),
    ...(doc.documentNumber ? [doc.documentNumber] : []),
    ...doc.tagNumbers,
  ];
  const issueSeconds = doc.issueDate ? Date.parse(`${doc.issueDate}T00:00:00Z`) / 1000 : Number.NaN;
  return {
    id: meiliId(doc.orgId, doc.key),
    key: doc.key,
    orgId: doc.orgId,
    customerId: doc.customerId,
    orderId: doc.orderId,
    documentId: doc.documentId,
    revisionNo: doc.revisionNo,
    artifactId: doc.artifactId,
    extractionId: doc.extractionId,
    published: doc.published,
    superseded: doc.superseded,
    exportControlled: doc.exportControlled === true,
    docClass: doc.docClass,
    certType: doc.certType,
    title: doc.title === null ? null : doc.title.replace(highlightTags, ''),
    product: doc.product ?? null,
    manufacturer: doc.manufacturer ?? null,
    documentNumber: doc.documentNumber,
    poNumber: doc.poNumber,
    grade: doc.grade,
    gradeFamily: doc.gradeFamily,
    gradeKeys: doc.gradeKeys,
    heatNumbers: doc.heatNumbers,
    tagNumbers: doc.tagNumbers,
    materialStandards: doc.materialStandards,
    issueDate: Number.isNaN(issueSeconds) ? null : issueSeconds,
    issueYear: doc.issueDate ? Number(doc.issueDate.slice(0, 4)) : null,
    // The highlight sentinels must never occur in highlighted text, or a snippet could fake a <mark>.
    body: doc.body.replace(highlightTags, ''),
    identifierSuffixes: suffixes(identifiers),
    heatGrams: grams(doc.heatNumbers),
    poGrams: grams(doc.poNumber ? [doc.poNumber] : []),
  };
}

export function secondsToDate(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString().slice(0, 10);
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Meilisearch's highlighted text → HTML: everything escaped, then the sentinels become `<mark>`. */
export function highlightToHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => htmlEscapes[c] as string)
    .replaceAll(HIGHLIGHT_PRE, '<mark>')
    .replaceAll(HIGHLIGHT_POST, '</mark>');
}

export function hasHighlight(text: unknown): text is string {
  return typeof text === 'string' && text.includes(HIGHLIGHT_PRE);
}
