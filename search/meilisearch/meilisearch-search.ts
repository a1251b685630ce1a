/**
 * The Meilisearch adapter of the search port (the production option; Postgres is the default).
 * Every search sends `filter: [scope, ...userFilters]`, the scope from `scopeFilter()` first;
 * without a scope it throws before any request leaves. Optionally (tenant-token mode) searches are
 * authorized by a short-lived tenant token carrying the same scope as a `searchRules` filter.
 */
import { AppError } from '../../core/errors.js';
import { gradeInfo } from '../grades.js';
import type { FacetBucket, SearchDocument, SearchFacets, SearchHit, SearchIndex, SearchQuery, SearchResult, SearchScope } from '../port.js';
import { type EnqueuedTask, MeiliClient, type MeiliClientOptions } from './client.js';
import {
  HIGHLIGHT_POST,
  HIGHLIGHT_PRE,
  hasHighlight,
  highlightToHtml,
  type MeiliDocument,
  meiliId,
  normalizeIdentifier,
  secondsToDate,
  toMeiliDocument,
} from './documents.js';
import { queryFilters, scopeFilter } from './filter.js';
import { facetAttributes, hitAttributes, indexSettings } from './settings.js';
import { type TenantTokenOptions, tenantToken } from './tenant-token.js';

export interface MeilisearchIndexOptions extends MeiliClientOptions {
  /** Index uid (MEILI_INDEX). */
  index: string;
  /** Set to search with tenant tokens instead of the admin API key. */
  tenantToken?: TenantTokenOptions | undefined;
  /** Documents per add/replace request (bodies run to 200 kB; Meilisearch takes 100 MB per payload by default). */
  batchSize?: number;
}

/** Words around the match in a snippet (Meilisearch's cropLength counts words). */
const SNIPPET_WORDS = 30;

/** A hit as Meilisearch returns it: the stored document's fields asked for, and its match data. */
interface MeiliHit
  extends Pick<
    MeiliDocument,
    | 'key'
    | 'documentId'
    | 'revisionNo'
    | 'artifactId'
    | 'customerId'
    | 'orderId'
    | 'title'
    | 'docClass'
    | 'certType'
    | 'documentNumber'
    | 'poNumber'
    | 'grade'
    | 'heatNumbers'
    | 'issueDate'
    | 'published'
    | 'superseded'
  > {
  tagNumbers?: string[];
  _formatted?: Record<string, unknown>;
  _matchesPosition?: Record<string, unknown>;
  _rankingScore?: number;
}

interface MeiliSearchResponse {
  hits: MeiliHit[];
  facetDistribution?: Record<string, Record<string, number>>;
  totalHits?: number;
  estimatedTotalHits?: number;
  page?: number;
  totalPages?: number;
}

export function createMeilisearchIndex(options: MeilisearchIndexOptions): SearchIndex {
  const client = new MeiliClient(options);
  const uid = encodeURIComponent(options.index);
  const batchSize = options.batchSize ?? 100;

  async function createIndexIfMissing(): Promise<void> {
    const task = await client.request<EnqueuedTask>('POST', '/indexes', { uid: options.index, primaryKey: 'id' });
    try {
      await client.waitForTask(task);
    } catch (err) {
      if (!(err instanceof AppError && err.details?.meiliCode === 'index_already_exists')) throw err;
    }
  }

  return {
    kind: 'meilisearch',

    async prepare() {
      await createIndexIfMissing();
      await client.waitForTask(await client.request<EnqueuedTask>('PATCH', `/indexes/${uid}/settings`, indexSettings));
    },

    async upsert(documents: readonly SearchDocument[]) {
      for (let i = 0; i < documents.length; i += batchSize) {
        const batch = documents.slice(i, i + batchSize).map(toMeiliDocument);
        await client.waitForTask(await client.request<EnqueuedTask>('POST', `/indexes/${uid}/documents?primaryKey=id`, batch));
      }
    },

    async remove(orgId: string, keys: readonly string[]) {
      if (keys.length === 0) return;
      const ids = keys.map((key) => meiliId(orgId, key));
      await client.waitForTask(await client.request<EnqueuedTask>('POST', `/indexes/${uid}/documents/delete-batch`, ids));
    },

    async search(scope: SearchScope, query: SearchQuery): Promise<SearchResult> {
      const scopeExpression = scopeFilter(scope);
      // Any name of the material finds its equivalents: the index stores every key of the group.
      const gradeKeys = query.grade ? gradeInfo(query.grade).keys : [];
      const page = pageFromCursor(query.cursor);
      const q = query.q?.trim() ?? '';
      const body = {
        q,
        filter: [scopeExpression, ...queryFilters(query, gradeKeys)],
        facets: facetAttributes,
        attributesToRetrieve: hitAttributes,
        attributesToHighlight: ['title', 'body'],
        attributesToCrop: ['body'],
        cropLength: SNIPPET_WORDS,
        highlightPreTag: HIGHLIGHT_PRE,
        highlightPostTag: HIGHLIGHT_POST,
        showMatchesPosition: true,
        showRankingScore: true,
        hitsPerPage: query.limit,
        page,
      };
      const bearer = options.tenantToken ? await tenantToken(options.tenantToken, options.index, scopeExpression) : undefined;
      const response = await client.request<MeiliSearchResponse>('POST', `/indexes/${uid}/search`, body, bearer);
      const current = response.page ?? page;
      const implied = [...(query.heat ? ['heatNumbers'] : []), ...(query.po ? ['poNumber'] : [])];
      return {
        hits: response.hits.map((hit) => toSearchHit(hit, q, implied)),
        facets: toFacets(response.facetDistribution ?? {}),
        total: response.totalHits ?? response.estimatedTotalHits ?? response.hits.length,
        // Meilisearch counts exhaustively only in page mode (totalHits); otherwise it estimates.
        totalExact: response.totalHits !== undefined,
        nextCursor: current < (response.totalPages ?? 0) ? cursorForPage(current + 1) : null,
      };
    },

    async ready() {
      try {
        const health = await client.request<{ status?: string }>('GET', '/health');
        return health?.status === 'available';
      } catch {
        return false;
      }
    },
  };
}

/** Cursors are opaque to clients: `p<page>` in base64url. */
function cursorForPage(page: number): string {
  return Buffer.from(`p${page}`).toString('base64url');
}

function pageFromCursor(cursor: string | undefined): number {
  if (!cursor) return 1;
  const match = /^p([1-9]\d{0,6})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new AppError('validation_failed', 'cursor is not one this search returned');
  return Number(match[1]);
}

/**
 * A match in `identifierSuffixes` is a match inside an identifier: report the identifier field(s)
 * whose normalized value holds a query word, as the Postgres adapter does.
 */
function identifierFieldsMatched(hit: MeiliHit, q: string): string[] {
  const words = q
    .split(/\s+/)
    .map(normalizeIdentifier)
    .filter((w) => w.length >= 3);
  const holds = (values: readonly (string | null)[]) =>
    values.some((v) => v !== null && words.some((w) => normalizeIdentifier(v).includes(w)));
  const fields: [string, (string | null)[]][] = [
    ['heatNumbers', hit.heatNumbers],
    ['poNumber', [hit.poNumber]],
    ['documentNumber', [hit.documentNumber]],
    ['tagNumbers', hit.tagNumbers ?? []],
  ];
  return fields.filter(([, values]) => holds(values)).map(([name]) => name);
}

function toSearchHit(hit: MeiliHit, q: string, impliedFields: string[]): SearchHit {
  const formatted = hit._formatted ?? {};
  const matched = Object.keys(hit._matchesPosition ?? {}).flatMap((field) =>
    field === 'identifierSuffixes' ? identifierFieldsMatched(hit, q) : [field],
  );
  const snippetSource = hasHighlight(formatted.body) ? formatted.body : hasHighlight(formatted.title) ? formatted.title : formatted.body;
  return {
    key: hit.key,
    documentId: hit.documentId,
    revisionNo: hit.revisionNo,
    artifactId: hit.artifactId,
    customerId: hit.customerId,
    orderId: hit.orderId,
    title: hit.title,
    docClass: hit.docClass,
    certType: hit.certType,
    documentNumber: hit.documentNumber,
    poNumber: hit.poNumber,
    grade: hit.grade,
    heatNumbers: hit.heatNumbers,
    issueDate: secondsToDate(hit.issueDate),
    published: hit.published,
    superseded: hit.superseded,
    score: hit._rankingScore ?? 0,
    snippet: q !== '' && typeof snippetSource === 'string' && snippetSource !== '' ? highlightToHtml(snippetSource) : null,
    matchedFields: [...new Set([...impliedFields, ...matched])],
  };
}

const facetName: Record<(typeof facetAttributes)[number], keyof SearchFacets> = {
  docClass: 'docClass',
  certType: 'certType',
  gradeFamily: 'gradeFamily',
  customerId: 'customerId',
  orderId: 'orderId',
  issueYear: 'year',
};

function toFacets(distribution: Record<string, Record<string, number>>): SearchFacets {
  const facets: SearchFacets = { docClass: [], certType: [], gradeFamily: [], customerId: [], orderId: [], year: [] };
  for (const attribute of facetAttributes) {
    const buckets: FacetBucket[] = Object.entries(distribution[attribute] ?? {}).map(([value, count]) => ({ value, count }));
    facets[facetName[attribute]] = buckets.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  return facets;
}
