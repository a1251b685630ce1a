import type { FacetBucket, SearchFacets } from './port.js';
import type { Cursor } from './query-terms.js';

/** Buckets per facet: enough to choose from, never the whole organization's customer list. */
export const FACET_BUCKETS = 20;

/**
 * The best matches' facets from the match statement: their number, then per facet with short
 * values the column's values in one array (cheaper for PostgreSQL to build than grouped counts,
 * and cheap to count here), and for customers and orders (uuids: most of the bytes to send and
 * parse) the counts per value.
 */
export type FacetColumns = [
  total: number,
  docClass: Array<string | null> | null,
  certType: Array<string | null> | null,
  gradeFamily: Array<string | null> | null,
  customerId: Record<string, number> | null,
  orderId: Record<string, number> | null,
  year: Array<number | null> | null,
];
/** A page entry from the match statement: id, sort key (the page holds one more than shown). */
export type PageEntry = [id: string, sortKey: number];

export interface Counted {
  facets: SearchFacets;
  total: number;
  /** The page shown, best first, at most `limit`. */
  page: Array<{ id: string; sortKey: number }>;
  nextCursor: Cursor | null;
}

const FACETS: ReadonlyArray<keyof SearchFacets> = ['docClass', 'certType', 'gradeFamily', 'customerId', 'orderId', 'year'];

/**
 * The statement's facet columns and counts as facets (largest buckets first, ties by value, at
 * most `FACET_BUCKETS` each; empty values not counted) and its page cut to `limit`, with the
 * cursor of the next page when there is one.
 */
export function countedResult(columns: FacetColumns | null, pageEntries: readonly PageEntry[], limit: number): Counted {
  const facets: SearchFacets = { docClass: [], certType: [], gradeFamily: [], customerId: [], orderId: [], year: [] };
  FACETS.forEach((facet, i) => {
    const column = columns?.[i + 1] ?? null;
    let counts: Map<string, number>;
    if (column === null || Array.isArray(column)) {
      counts = new Map();
      for (const value of (column ?? []) as Array<string | number | null>) {
        if (value !== null) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
      }
    } else counts = new Map(Object.entries(column));
    const buckets: FacetBucket[] = [...counts].map(([value, count]) => ({ value, count }));
    buckets.sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
    facets[facet] = buckets.slice(0, FACET_BUCKETS);
  });
  const page = pageEntries.slice(0, limit).map(([id, sortKey]) => ({ id, sortKey }));
  const last = page.at(-1);
  return {
    facets,
    total: columns?.[0] ?? 0,
    page,
    nextCursor: pageEntries.length > limit && last ? { sortKey: last.sortKey, id: last.id } : null,
  };
}
