import { sql } from 'drizzle-orm';
import type { ReadPool } from '../archive/adapters/database.js';
import { type SqlFragment, toDrizzle } from '../archive/adapters/sql-text.js';
import { type Db, queryRows } from '../archive/db.js';
import { inTenant } from '../archive/tenancy.js';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { countedResult, type FacetColumns, type PageEntry } from './counted-result.js';
import { gradeInfo } from './grades.js';
import { excerptHtml, identifierMatches, markIdentifier, utf8Window, wordMatcher } from './highlight.js';
import type { SearchDocument, SearchHit, SearchIndex, SearchQuery, SearchResult, SearchScope } from './port.js';
import {
  DEFAULT_MATCH_CAP,
  EXCERPT_LENGTH,
  type IdentifierField,
  matchStatement,
  type Plan,
  TYPO_SIMILARITY,
  typoCandidates,
  typoKey,
} from './postgres-search-sql.js';
import { decodeCursor, encodeCursor, readQuery } from './query-terms.js';

/**
 * The session settings every search statement is planned and run with:
 * - `random_page_cost` 1.1: PostgreSQL's default (4) assumes spinning disks and makes it scan all
 *   entries rather than fetch a few thousand by a GIN bitmap; on SSDs and a cached index the
 *   bitmap is several times faster;
 * - `enable_seqscan` off: every search has an indexed path (the scope btrees, GIN on words,
 *   identifiers and grades), and the planner prices a sequential scan without the cost of reading
 *   every entry's words for `@@`;
 * - no JIT (compiling a broad match's expressions costs more than running them), no parallel
 *   workers (with 8 searches on 2 cores, starting workers only adds queueing);
 * - generic plans always: the search pool prepares its statements (`ReadPool.rows`), so each
 *   statement shape is planned once per session, not once per search (planning was 1 to 2.6 ms
 *   of a 3 to 4 ms text search). The statements are written for it (see `count` and `tsQuery` in
 *   postgres-search-sql.ts): their LIMITs in the text, their tsqueries computed once per run;
 * - the word similarity from which an identifier is a typo candidate.
 */
export const SEARCH_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  random_page_cost: '1.1',
  enable_seqscan: 'off',
  jit: 'off',
  max_parallel_workers_per_gather: '0',
  plan_cache_mode: 'force_generic_plan',
  'pg_trgm.word_similarity_threshold': String(TYPO_SIMILARITY),
};

/** Shortest identifier that gets a typo pass (see `search`). */
const MIN_TYPO_LENGTH = 6;

/** Rows per INSERT … ON CONFLICT statement when indexing. */
const UPSERT_BATCH = 500;

interface HitRow {
  id: string;
  org_id: string;
  sort_key: number | string;
  key: string;
  document_id: string | null;
  revision_no: number | null;
  artifact_id: string;
  customer_id: string | null;
  order_id: string | null;
  title: string | null;
  doc_class: string | null;
  cert_type: string | null;
  document_number: string | null;
  po_number: string | null;
  grade: string | null;
  grade_keys: string[];
  heat_numbers: string[];
  tag_numbers: string[];
  issue_date: string | null;
  published: boolean;
  superseded: boolean;
  /** A window of the body for the snippet (UTF-8 bytes as PostgreSQL sends a bytea, see `utf8Window`), and where in the body it starts (1: at the start). */
  excerpt: string | null;
  excerpt_start: number | null;
}

/**
 * The default search index: the `search_entries` table in the application's own database, with a
 * weighted tsvector (A identifiers and grade names, B title, product, manufacturer, C body; the
 * 'simple' configuration, so German, Norwegian and English text and identifiers are never
 * stemmed) and a trigram index over the identifiers. Writes run inside the tenant's row-level
 * security; searches state the scope explicitly (RLS would disable the GIN indexes, see `run`) and
 * check every returned row against it.
 */
export class PostgresSearchIndex implements SearchIndex {
  readonly kind = 'postgres' as const;

  constructor(
    private readonly db: Db,
    private readonly options: {
      matchCap?: number;
      /** A pool whose sessions start with `SEARCH_SESSION_SETTINGS` (see `Database.readPool`). */
      sessions?: ReadPool | null;
    } = {},
  ) {}

  /** The table and its indexes come with the migrations. */
  async prepare(): Promise<void> {}

  async upsert(documents: readonly SearchDocument[]): Promise<void> {
    for (const [orgId, docs] of byOrg(documents)) {
      await inTenant(this.db, { orgId, customerId: null }, async (tx) => {
        for (let i = 0; i < docs.length; i += UPSERT_BATCH) await upsertBatch(tx, docs.slice(i, i + UPSERT_BATCH));
      });
    }
  }

  async remove(orgId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await inTenant(this.db, { orgId, customerId: null }, (tx) =>
      tx.execute(
        sql`delete from search_entries where org_id = ${orgId}::uuid and key in (${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `,
        )})`,
      ),
    );
  }

  async search(scope: SearchScope, query: SearchQuery): Promise<SearchResult> {
    if (!scope?.orgId) throw new AppError('forbidden', 'a search needs a scope');
    const terms = readQuery(query.q);
    const plan: Plan = {
      scope,
      query,
      terms,
      typo: false,
      cursor: query.cursor ? decodeCursor(query.cursor) : null,
      matchCap: this.options.matchCap ?? DEFAULT_MATCH_CAP,
      warmSession: Boolean(this.options.sessions),
    };
    const exact = await this.run(plan);
    // Identifiers are typed by hand from paper: when nothing matches exactly, allow one typo in a
    // whole identifier (six characters or more, as heat and PO numbers are). A fragment with one
    // edit allowed matches thousands of identifiers that share three characters with it (and the
    // trigram pass proposing them cost 650 ms for a 4-character fragment in the bench).
    const typeable = [...terms.identifiers, query.heat?.trim() ?? '', query.po?.trim() ?? ''].some((v) => v.length >= MIN_TYPO_LENGTH);
    if (exact.total > 0 || !typeable) return exact;
    return this.run({ ...plan, typo: true });
  }

  async ready(): Promise<boolean> {
    await this.db.execute(sql`select 1 from search_entries limit 0`);
    return true;
  }

  /**
   * Row-level security and GIN indexes do not mix: PostgreSQL may not evaluate a non-leakproof
   * operator (`@@`, ILIKE, `&&`, `<%`) before a policy's condition, so under RLS every search is
   * a sequential scan. So a search runs as the connecting role with the scope as explicit
   * predicates, built from `SearchScope` alone: one statement finds the matches and reads the
   * page (see `matchStatement`); its counts become facets here (`countedResult`). On PostgreSQL
   * it runs on the search pool, whose sessions start read-only with the planner settings
   * (`SEARCH_SESSION_SETTINGS`), through the pool's own renderer: one round trip (at 8
   * concurrent searches on two cores every round trip waits for a CPU). Elsewhere (PGlite) the
   * same settings are set in a read-only transaction first. The rows it returns are checked
   * against the scope once more here (`assertInScope`): a mistake in a predicate fails loudly,
   * never shows another tenant's entry.
   */
  private async run(asked: Plan): Promise<SearchResult> {
    const { scope, query } = asked;
    const { sessions } = this.options;
    const match = sessions
      ? await matchOn(sessions.db, asked, (statement) => sessions.rows<MatchRow>(statement))
      : await this.db.transaction(async (tx) => {
          await tx.execute(
            sql`select ${sql.join(
              Object.entries(SEARCH_SESSION_SETTINGS).map(([name, value]) => sql`set_config(${name}, ${value}, true)`),
              sql`, `,
            )}, set_config('transaction_read_only', 'on', true)`,
          );
          return matchOn(tx, asked, (statement) => queryRows<MatchRow>(tx, toDrizzle(statement)));
        });
    const rows = parseJson<HitRow[]>(match?.rows);
    for (const row of rows) assertInScope(row, scope);
    const counted = countedResult(parseJson<FacetColumns | null>(match?.counts), parseJson<PageEntry[]>(match?.page), query.limit);
    // A row removed between the match and the read (none within one statement) is simply not shown.
    const byId = new Map(rows.map((r) => [r.id, r]));
    const explaining = explainer(asked);
    const hits = counted.page.flatMap((p) => {
      const row = byId.get(p.id);
      return row ? [toHit({ ...row, sort_key: p.sortKey }, explaining)] : [];
    });
    return {
      hits,
      facets: counted.facets,
      total: counted.total,
      totalExact: match?.total_exact ?? true,
      nextCursor: counted.nextCursor ? encodeCursor(counted.nextCursor) : null,
    };
  }
}

/** The second wall: every row shown must be inside the scope the statement was built from. */
function assertInScope(row: HitRow, scope: SearchScope): void {
  const inScope =
    row.org_id === scope.orgId &&
    (!scope.customerId || row.customer_id === scope.customerId) &&
    (!(scope.customerId || scope.publishedOnly) || row.published) &&
    (!scope.orderId || row.order_id === scope.orderId);
  if (!inScope) throw new AppError('internal_error', 'a search returned an entry outside its scope');
}

/** Runs a match statement on the search pool (PostgreSQL) or in a read-only transaction (PGlite). */
type RunStatement = (statement: SqlFragment) => Promise<MatchRow[]>;

/** The typo pass when asked for, then the statement. */
async function matchOn(db: Db, asked: Plan, rows: RunStatement): Promise<MatchRow | undefined> {
  const plan = asked.typo ? { ...asked, typoIds: await checkTypos(db, asked) } : asked;
  const [row] = await send(plan, rows);
  return row;
}

/**
 * The statement built and handed to `rows` in one synchronous step, so that no awaiting frame
 * holds its fragments (see `ReadPool.rows`): only the pending result is awaited.
 */
function send(plan: Plan, rows: RunStatement): Promise<MatchRow[]> {
  return rows(matchStatement(plan));
}

interface MatchRow {
  counts: unknown;
  page: unknown;
  rows: unknown;
  total_exact: boolean;
}

/**
 * The typo pass: for each identifier asked for, the in-scope entries whose heat number, PO or
 * other identifier (as asked) contains the value with at most one character changed, added,
 * dropped or swapped. The trigram index proposes, this check decides.
 */
async function checkTypos(tx: Db, plan: Plan): Promise<Map<string, string[]>> {
  const needles: Array<[IdentifierField, string]> = plan.terms.identifiers.map((id) => ['any', id]);
  const heat = plan.query.heat?.trim().toUpperCase();
  const po = plan.query.po?.trim().toUpperCase();
  if (heat) needles.push(['heat', heat]);
  if (po) needles.push(['po', po]);
  const checked = new Map<string, string[]>();
  for (const [field, needle] of needles) {
    if (needle.length < MIN_TYPO_LENGTH) continue;
    const rows = await queryRows<{ id: string; identifiers: string; heat_numbers: string[]; po_number: string | null }>(
      tx,
      toDrizzle(typoCandidates(plan.scope, needle)),
    );
    const valuesOf = (r: (typeof rows)[number]) =>
      field === 'heat' ? r.heat_numbers : field === 'po' ? [r.po_number ?? ''] : r.identifiers.split(' ');
    checked.set(
      typoKey(field, needle),
      rows.filter((r) => valuesOf(r).some((v) => identifierMatches(v, needle, true))).map((r) => r.id),
    );
  }
  return checked;
}

function byOrg(documents: readonly SearchDocument[]): Map<string, SearchDocument[]> {
  const groups = new Map<string, SearchDocument[]>();
  for (const d of documents) groups.set(d.orgId, [...(groups.get(d.orgId) ?? []), d]);
  return groups;
}

async function upsertBatch(tx: Db, docs: readonly SearchDocument[]): Promise<void> {
  const rows = docs.map((d) => ({
    id: newId(),
    org_id: d.orgId,
    key: d.key,
    customer_id: d.customerId,
    order_id: d.orderId,
    document_id: d.documentId,
    revision_no: d.revisionNo,
    artifact_id: d.artifactId,
    extraction_id: d.extractionId,
    published: d.published,
    superseded: d.superseded,
    doc_class: d.docClass,
    cert_type: d.certType,
    title: d.title,
    document_number: d.documentNumber,
    po_number: d.poNumber,
    grade: d.grade,
    grade_family: d.gradeFamily,
    grade_keys: d.gradeKeys,
    heat_numbers: d.heatNumbers,
    tag_numbers: d.tagNumbers,
    material_standards: d.materialStandards,
    issue_date: d.issueDate,
    product: d.product ?? null,
    manufacturer: d.manufacturer ?? null,
    body: d.body,
  }));
  // The entry and its walk row (search_words) in one statement, so neither is ever without the other.
  await tx.execute(sql`
    with entries as (
    insert into search_entries as e (id, org_id, key, customer_id, order_id, document_id, revision_no, artifact_id, extraction_id,
      published, superseded, doc_class, cert_type, title, document_number, po_number, grade, grade_family, grade_keys, heat_numbers,
      tag_numbers, material_standards, issue_date, issue_year, identifiers, body, tsv, indexed_at)
    select d.id, d.org_id, d.key, d.customer_id, d.order_id, d.document_id, d.revision_no, d.artifact_id, d.extraction_id,
      d.published, d.superseded, d.doc_class, d.cert_type, d.title, d.document_number, d.po_number, d.grade, d.grade_family,
      coalesce(d.grade_keys, '{}'), coalesce(d.heat_numbers, '{}'), coalesce(d.tag_numbers, '{}'), coalesce(d.material_standards, '{}'),
      d.issue_date, extract(year from d.issue_date)::int,
      upper(concat_ws(' ', d.document_number, d.po_number, array_to_string(d.heat_numbers, ' '), array_to_string(d.tag_numbers, ' '))),
      d.body,
      setweight(to_tsvector('simple', concat_ws(' ', d.document_number, d.po_number, d.grade, array_to_string(d.grade_keys, ' '),
                  array_to_string(d.heat_numbers, ' '), array_to_string(d.tag_numbers, ' '), array_to_string(d.material_standards, ' '))), 'A')
        || setweight(to_tsvector('simple', concat_ws(' ', d.title, d.product, d.manufacturer)), 'B')
        || setweight(to_tsvector('simple', d.body), 'C'),
      now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as d(id uuid, org_id uuid, key text, customer_id uuid, order_id uuid,
      document_id uuid, revision_no int, artifact_id uuid, extraction_id uuid, published boolean, superseded boolean, doc_class text,
      cert_type text, title text, document_number text, po_number text, grade text, grade_family text, grade_keys text[],
      heat_numbers text[], tag_numbers text[], material_standards text[], issue_date date, product text, manufacturer text, body text)
    on conflict (org_id, key) do update set
      customer_id = excluded.customer_id, order_id = excluded.order_id, document_id = excluded.document_id,
      revision_no = excluded.revision_no, artifact_id = excluded.artifact_id, extraction_id = excluded.extraction_id,
      published = excluded.published, superseded = excluded.superseded, doc_class = excluded.doc_class,
      cert_type = excluded.cert_type, title = excluded.title, document_number = excluded.document_number,
      po_number = excluded.po_number, grade = excluded.grade, grade_family = excluded.grade_family,
      grade_keys = excluded.grade_keys, heat_numbers = excluded.heat_numbers, tag_numbers = excluded.tag_numbers,
      material_standards = excluded.material_standards, issue_date = excluded.issue_date, issue_year = excluded.issue_year,
      identifiers = excluded.identifiers, body = excluded.body, tsv = excluded.tsv, indexed_at = excluded.indexed_at
    returning e.id, e.org_id, e.customer_id, e.order_id, e.document_id, e.published, e.superseded, e.doc_class, e.cert_type,
      e.grade_family, e.grade_keys, e.issue_date, e.issue_year, e.title_tsv, e.words)
    insert into search_words (id, org_id, customer_id, order_id, document_id, published, superseded, doc_class, cert_type, grade_family,
      grade_keys, issue_date, issue_year, title_tsv, words)
    select * from entries
    on conflict (id) do update set
      org_id = excluded.org_id, customer_id = excluded.customer_id, order_id = excluded.order_id, document_id = excluded.document_id,
      published = excluded.published, superseded = excluded.superseded, doc_class = excluded.doc_class, cert_type = excluded.cert_type,
      grade_family = excluded.grade_family, issue_year = excluded.issue_year, title_tsv = excluded.title_tsv,
      grade_keys = excluded.grade_keys, issue_date = excluded.issue_date, words = excluded.words`);
}

function parseJson<T>(value: unknown): T {
  if (typeof value === 'string') return JSON.parse(value) as T;
  return (value ?? []) as T;
}

function toHit(row: HitRow, explaining: Explainer): SearchHit {
  const { matchedFields, snippet } = explain(row, explaining);
  const relevance = explaining.plan.terms.text ? Math.floor(Number(row.sort_key) / 2_000_000) : 0;
  return {
    key: row.key,
    documentId: row.document_id,
    revisionNo: row.revision_no,
    artifactId: row.artifact_id,
    customerId: row.customer_id,
    orderId: row.order_id,
    title: row.title,
    docClass: row.doc_class,
    certType: row.cert_type,
    documentNumber: row.document_number,
    poNumber: row.po_number,
    grade: row.grade,
    heatNumbers: row.heat_numbers ?? [],
    issueDate: row.issue_date,
    published: row.published,
    superseded: row.superseded,
    score: relevance,
    snippet,
    matchedFields,
  };
}

/** What a search's hits are explained by: prepared once per search, not once per hit. */
interface Explainer {
  plan: Plan;
  /** The query's words, matched in a body excerpt (see `wordMatcher`); null without text. */
  words: string[] | null;
  /** Grade keys named by the grade filter or a word of the query. */
  grades: ReadonlySet<string>;
}

function explainer(plan: Plan): Explainer {
  const { terms, query } = plan;
  return {
    plan,
    words: wordMatcher(terms.words),
    grades: new Set([query.grade ?? '', ...terms.words].flatMap((w) => gradeInfo(w).keys)),
  };
}

/** Which fields matched, and the snippet: the body's words around the match, else the matched identifier. */
function explain(row: HitRow, { plan, words, grades }: Explainer): { matchedFields: string[]; snippet: string | null } {
  const { terms, query, typo } = plan;
  const fields = new Set<string>();
  let snippet: string | null = null;
  const identifiers: Array<[string, string, string | null | undefined | string[]]> = [
    ['heatNumbers', 'Heat', row.heat_numbers],
    ['poNumber', 'PO', row.po_number],
    ['documentNumber', 'Certificate', row.document_number],
    ['tagNumbers', 'Tag', row.tag_numbers],
  ];
  const wanted: Array<[string, string[]]> = [
    ['heatNumbers', query.heat ? [query.heat.trim()] : []],
    ['poNumber', query.po ? [query.po.trim()] : []],
    ['*', terms.identifiers],
  ];
  for (const [only, needles] of wanted) {
    for (const needle of needles) {
      for (const [field, label, value] of identifiers) {
        if (only !== '*' && only !== field) continue;
        for (const v of Array.isArray(value) ? value : value ? [value] : []) {
          if (!identifierMatches(v, needle, typo)) continue;
          fields.add(field);
          snippet ??= markIdentifier(label, v, needle);
        }
      }
    }
  }
  const title = row.title?.toLowerCase();
  if (title && terms.words.some((w) => title.includes(w))) fields.add('title');
  if (row.grade_keys?.some((k) => grades.has(k))) fields.add('grade');
  const window = utf8Window(row.excerpt);
  const body = excerptHtml(window, words, {
    before: (row.excerpt_start ?? 1) > 1,
    // The window's bytes (2 hex digits each, after "\x") filled: the body goes on after it.
    after: ((row.excerpt?.length ?? 2) - 2) / 2 >= EXCERPT_LENGTH,
  });
  if (body) {
    fields.add('body');
    snippet = body;
  }
  return { matchedFields: [...fields], snippet };
}
