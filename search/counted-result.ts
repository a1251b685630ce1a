import type { FacetBucket, SearchFacets } from './port.js';
import type { Cursor } from './query-terms.js';

/** Buckets per facet: enough to choose from, never the whole organization's customer list. */
export const FACET_BUCKETS = 20;

/** A count from the match statement: facet ('total' for all of them), value, matches. */
export type FacetCount = [facet: string, value: string, n: number];
/** A page entry from the match statement: id, sort key (the page holds one more than shown). */
export type PageEntry = [id: string, sortKey: number];

export interface Counted {
  facets: SearchFacets;
  total: number;
  /** The page shown, best first, at most `limit`. */
  page: Array<{ id: string; sortKey: number }>;
  nextCursor: Cursor | null;
}

/**
 * The statement's counts as facets (largest buckets first, ties by value, at most
 * `FACET_BUCKETS` each) and its page cut to `limit`, with the cursor of the next page when
 * there is one.
 */
export function countedResult(counts: readonly FacetCount[], pageEntries: readonly PageEntry[], limit: number): Counted {
  const facets: SearchFacets = { docClass: [], certType: [], gradeFamily: [], customerId: [], orderId: [], year: [] };
  let total = 0;
  for (const [facet, value, count] of counts) {
    if (facet === 'total') total = count;
    else facets[facet as keyof SearchFacets]?.push({ value, count });
  }
  for (const [facet, buckets] of Object.entries(facets) as Array<[keyof SearchFacets, FacetBucket[]]>) {
    buckets.sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
    facets[facet] = buckets.slice(0, FACET_BUCKETS);
  }
  const page = pageEntries.slice(0, limit).map(([id, sortKey]) => ({ id, sortKey }));
  const last = page.at(-1);
  return { facets, total, page, nextCursor: pageEntries.length > limit && last ? { sortKey: last.sortKey, id: last.id } : null };
}
