/**
 * The search port: what the rest of Arkiv asks of a search index, whichever engine is behind it
 * (the Postgres adapter by default, Meilisearch as the production option). Adapters never decide
 * who may see what: the caller passes a `SearchScope` built from `policies/`, and every adapter
 * must apply it to every request it sends (hits, facets and totals alike).
 */

/** What one indexed entry holds: a document revision, or an artifact not filed under a document. */
export interface SearchDocument {
  /** Stable entry id: `rev:<documentId>:<revisionNo>` or `art:<artifactId>`. */
  key: string;
  orgId: string;
  customerId: string | null;
  orderId: string | null;
  documentId: string | null;
  revisionNo: number | null;
  artifactId: string;
  extractionId: string | null;
  published: boolean;
  /** A newer revision of the same document exists: still findable, ranked and filtered as such. */
  superseded: boolean;
  docClass: string | null;
  certType: string | null;
  title: string | null;
  documentNumber: string | null;
  poNumber: string | null;
  grade: string | null;
  gradeFamily: string | null;
  /** Canonical keys of the grade and its equivalents (see search/grades.ts). */
  gradeKeys: string[];
  heatNumbers: string[];
  tagNumbers: string[];
  materialStandards: string[];
  /** ISO date `YYYY-MM-DD`. */
  issueDate: string | null;
  /** Extracted plain text (capped by the indexer). */
  body: string;
  /** Product and manufacturer, ranked with the title (added after the first version: optional). */
  product?: string | null | undefined;
  manufacturer?: string | null | undefined;
  /**
   * The document is export-controlled: callers without clearance must not find it at all (the
   * Postgres adapter checks `documents.export_controlled` itself; other engines filter on this).
   */
  exportControlled?: boolean | undefined;
}

/**
 * Who is asking, reduced to what an index can filter on. Built only by `search/scope.ts` from an
 * authorized actor; an adapter must refuse to search without one.
 */
export interface SearchScope {
  orgId: string;
  /** Set for customer users: only this customer's entries, and only published ones. */
  customerId: string | null;
  publishedOnly: boolean;
  /** Set for customer sessions opened from an order-scoped link: only this order's entries. */
  orderId?: string | null | undefined;
  /** Export-control clearance; absent or false: export-controlled entries do not exist for the caller. */
  exportCleared?: boolean | undefined;
}

export interface SearchQuery {
  q?: string | undefined;
  docClass?: string | undefined;
  certType?: string | undefined;
  /** Any name of a material; its equivalents match too. */
  grade?: string | undefined;
  /** Heat number, or part of one (prefix, infix, one typo). */
  heat?: string | undefined;
  /** PO number, or part of one. */
  po?: string | undefined;
  customerId?: string | undefined;
  orderId?: string | undefined;
  issuedFrom?: string | undefined;
  issuedTo?: string | undefined;
  /** Superseded revisions are left out unless asked for. */
  includeSuperseded?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface SearchHit {
  key: string;
  documentId: string | null;
  revisionNo: number | null;
  artifactId: string;
  customerId: string | null;
  orderId: string | null;
  title: string | null;
  docClass: string | null;
  certType: string | null;
  documentNumber: string | null;
  poNumber: string | null;
  grade: string | null;
  heatNumbers: string[];
  issueDate: string | null;
  published: boolean;
  superseded: boolean;
  score: number;
  /** Text around the match with matched terms wrapped in `<mark>…</mark>` (the rest HTML-escaped). */
  snippet: string | null;
  /** Which fields matched the query (e.g. `heatNumbers`, `poNumber`, `body`). */
  matchedFields: string[];
}

export interface FacetBucket {
  value: string;
  count: number;
}

export interface SearchFacets {
  docClass: FacetBucket[];
  certType: FacetBucket[];
  gradeFamily: FacetBucket[];
  customerId: FacetBucket[];
  orderId: FacetBucket[];
  year: FacetBucket[];
}

export interface SearchResult {
  hits: SearchHit[];
  facets: SearchFacets;
  /** Every match in scope, not just this page. */
  total: number;
  /**
   * False when the engine counted only part of the matches (a very broad query): `total` and the
   * facet counts are then lower bounds over the best-ranked matches; the hits are ranked as ever.
   */
  totalExact: boolean;
  nextCursor: string | null;
}

export interface SearchIndex {
  readonly kind: 'postgres' | 'meilisearch';
  /** Creates or updates the index settings (idempotent; run at boot and before a reindex). */
  prepare(): Promise<void>;
  upsert(documents: readonly SearchDocument[]): Promise<void>;
  remove(orgId: string, keys: readonly string[]): Promise<void>;
  search(scope: SearchScope, query: SearchQuery): Promise<SearchResult>;
  /** For /readyz. */
  ready(): Promise<boolean>;
}
