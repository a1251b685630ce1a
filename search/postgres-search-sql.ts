import { type SQL, sql } from 'drizzle-orm';
import { gradeInfo } from './grades.js';
import { compactIdentifier, START_MARK, STOP_MARK } from './highlight.js';
import type { SearchQuery, SearchScope } from './port.js';
import { type Cursor, infixPattern, type QueryTerms } from './query-terms.js';

/** Buckets per facet: enough to choose from, never the whole organization's customer list. */
export const FACET_BUCKETS = 20;
/**
 * Word similarity from which an identifier is a typo candidate. One substituted character in a
 * 6-character heat number leaves 4 of its 10 trigrams shared (0.4), so the trigram index only
 * proposes candidates; the one-edit check itself is exact (see typoCandidates).
 */
export const TYPO_SIMILARITY = 0.3;
/** Closest candidates checked per identifier in the typo pass. */
export const TYPO_CANDIDATES = 1000;

export type IdentifierField = 'any' | 'heat' | 'po';
export const typoKey = (field: IdentifierField, value: string) => `${field}:${value}`;

export interface Plan {
  scope: SearchScope;
  query: SearchQuery;
  terms: QueryTerms;
  /** Second pass, only when the exact pass found nothing: identifiers may be one typo away. */
  typo: boolean;
  /** In the typo pass: the entries whose identifier is within one edit, per `typoKey`. */
  typoIds?: ReadonlyMap<string, readonly string[]>;
  cursor: Cursor | null;
  /** Matches ranked, counted and paged at most (see `DEFAULT_MATCH_CAP`). */
  matchCap: number;
}

/**
 * Matches a search ranks, counts and pages through at most. A query matching more (a common word
 * over the whole archive) keeps its best-ranked `matchCap` entries: the page is exactly what the
 * full ranking would show, `total` and the facets count those entries and say they are a lower
 * bound (`totalExact: false`), and paging stops at the cap. Counting every one of 35,000 matches
 * cost more than the rest of such a search together, for a number nobody reads as exact.
 */
export const DEFAULT_MATCH_CAP = 1_000;

const list = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

/**
 * The entry holds `value` in `field` (exact pass: an infix of the identifiers through the trigram
 * index, confirmed on the field itself), or one within one edit (typo pass: the checked ids).
 */
function identifierMatch(plan: Plan, field: IdentifierField, value: string): SQL {
  // Identifiers too short for a typo pass keep matching exactly in it.
  const checked = plan.typo ? plan.typoIds?.get(typoKey(field, value)) : undefined;
  if (checked) {
    return checked.length
      ? sql`e.id in (${sql.join(
          checked.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql`false`;
  }
  return identifierInfix(field, value);
}

/**
 * `value` is in the field, as typed; a value typed without separators also matches across them
 * ("2143" is in "21-43567"), one typed with them only as typed ("21-4" is not in "8214567").
 * Found through the trigram index over the identifiers without separators (pg_trgm splits words
 * at a hyphen, so "21-4" alone would propose every identifier with a 21 and a 4), then confirmed
 * on the field itself: a heat (or PO) number, not another identifier holding the characters.
 */
function identifierInfix(field: IdentifierField, value: string): SQL {
  const compact = compactIdentifier(value);
  if (!compact) return sql`false`;
  const typedCompact = compact === value;
  // Typed with separators, confirmed as typed by strpos, which no index offers to the planner: the
  // plain trigram index would (for "1-45" it proposes every entry, estimating ten).
  const candidates = typedCompact
    ? sql`${COMPACT_IDENTIFIERS} like ${infixPattern(compact)}`
    : sql`${COMPACT_IDENTIFIERS} like ${infixPattern(compact)} and strpos(e.identifiers, ${value}) > 0`;
  const holds = (column: SQL) =>
    typedCompact ? sql`${compactSql(sql`upper(${column})`)} like ${infixPattern(compact)}` : sql`${column} ilike ${infixPattern(value)}`;
  if (field === 'heat') return sql`${candidates} and exists (select 1 from unnest(e.heat_numbers) h where ${holds(sql`h`)})`;
  if (field === 'po') return sql`${candidates} and ${holds(sql`e.po_number`)}`;
  return candidates;
}

/** An identifier without separators, in SQL (as `compactIdentifier`). */
const compactSql = (value: SQL) => sql`regexp_replace(${value}, '[^[:alnum:] ]', '', 'g')`;
/** The expression of the `search_entries_identifiers_compact` index (migration 0010): keep them equal. */
const COMPACT_IDENTIFIERS = compactSql(sql`e.identifiers`);

/** Entries in scope with an identifier that shares enough trigrams with `value`, closest first. */
export function typoCandidates(scope: SearchScope, value: string): SQL {
  return sql`
    select e.id, e.identifiers, e.heat_numbers, e.po_number from search_entries e
    where ${sql.join(scopeConditions(scope), sql` and `)} and ${value} <% e.identifiers
    order by ${value} <<-> e.identifiers, e.id
    limit ${TYPO_CANDIDATES}`;
}

/**
 * The caller's scope, stated explicitly although row-level security enforces it too: a scope
 * is the first condition of every search, so a policy mistake cannot widen what a query sees.
 */
function scopeConditions(scope: SearchScope): SQL[] {
  const where = [sql`e.org_id = ${scope.orgId}::uuid`];
  if (scope.customerId) where.push(sql`e.customer_id = ${scope.customerId}::uuid`);
  if (scope.customerId || scope.publishedOnly) where.push(sql`e.published`);
  if (scope.orderId) where.push(sql`e.order_id = ${scope.orderId}::uuid`);
  // Without clearance an export-controlled document does not exist, not even as a count.
  if (!scope.exportCleared) {
    where.push(sql`not exists (select 1 from documents d where d.id = e.document_id and d.export_controlled)`);
  }
  return where;
}

function filterConditions(plan: Plan): SQL[] {
  const { query } = plan;
  const where: SQL[] = [];
  if (query.docClass) where.push(sql`e.doc_class = ${query.docClass}`);
  if (query.certType) where.push(sql`e.cert_type = ${query.certType}`);
  if (query.grade) where.push(sql`e.grade_keys && ${list(gradeInfo(query.grade).keys)}`);
  if (query.customerId) where.push(sql`e.customer_id = ${query.customerId}::uuid`);
  if (query.orderId) where.push(sql`e.order_id = ${query.orderId}::uuid`);
  if (query.issuedFrom) where.push(sql`e.issue_date >= ${query.issuedFrom}::date`);
  if (query.issuedTo) where.push(sql`e.issue_date <= ${query.issuedTo}::date`);
  if (!query.includeSuperseded) where.push(sql`not e.superseded`);
  const heat = query.heat?.trim().toUpperCase();
  if (heat) where.push(identifierMatch(plan, 'heat', heat));
  const po = query.po?.trim().toUpperCase();
  if (po) where.push(identifierMatch(plan, 'po', po));
  return where;
}

/** Full text, or every identifier-like word in the identifiers (and the other words in the text). */
function textCondition(plan: Plan): SQL | null {
  const { terms } = plan;
  if (!terms.text) return null;
  const fullText = sql`e.tsv @@ websearch_to_tsquery('simple', ${terms.text})`;
  if (terms.identifiers.length === 0) return fullText;
  const ids = terms.identifiers.map((id) => identifierMatch(plan, 'any', id));
  if (terms.rest) ids.push(sql`e.tsv @@ websearch_to_tsquery('simple', ${terms.rest})`);
  return sql`(${fullText} or (${sql.join(ids, sql` and `)}))`;
}

/** Grade keys named by the query's words (or the whole query, e.g. "22Cr duplex"), for ranking. */
function queryGradeKeys(terms: QueryTerms): string[] {
  const keys = new Set<string>();
  for (const name of [terms.text ?? '', ...terms.words]) {
    const info = gradeInfo(name);
    if (info.family) for (const k of info.keys) keys.add(k);
  }
  return [...keys];
}

/** The conditions that lift a text match above the body: an identifier or the grade (3), the title (2). */
function relevanceConditions(terms: QueryTerms): { strong: SQL | null; title: SQL | null } {
  const strong: SQL[] = [];
  for (const id of terms.identifiers) strong.push(identifierInfix('any', id));
  const grades = queryGradeKeys(terms);
  if (grades.length) strong.push(sql`e.grade_keys && ${list(grades)}`);
  return {
    strong: strong.length ? sql`(${sql.join(strong, sql` or `)})` : null,
    // The whole query matching the title's own words, through its GIN index (exact, no tsvector read).
    title: terms.text ? sql`e.title_tsv @@ websearch_to_tsquery('simple', ${terms.text})` : null,
  };
}

/**
 * The ordering key, computed from short typed columns only (never from the tsvector, whose
 * detoasting over thousands of matches would dominate the latency): relevance class first —
 * 3 an identifier or the grade matched, 2 the title, 1 the body text — then current before
 * superseded, then the newest issue date (days since 1900; none or earlier: last), then the id
 * (ascending, in the cursor). The same order as `newestFirst` within a relevance class.
 */
function sortKey({ terms }: Plan): SQL {
  const days = sql`least(greatest(coalesce(e.issue_date - date '1900-01-01' + 1, 0), 0), 999999)`;
  const current = sql`(case when e.superseded then 0 else 1 end)`;
  if (!terms.text) return sql`(${current} * 1000000 + ${days})::bigint`;
  const { strong, title } = relevanceConditions(terms);
  const relevance = sql`(case when ${strong ?? sql`false`} then 3 when ${title ?? sql`false`} then 2 else 1 end)`;
  return sql`((${relevance} * 2 + ${current}) * 1000000 + ${days})::bigint`;
}

/**
 * Within a relevance class, the sort key's order, which the `search_entries_recent*` indexes deliver
 * for current entries, so a broad text match stops at the cap. (Not offered without a text query:
 * for a rare heat infix the planner would walk that index and test all 60,000 entries.)
 */
function newestFirst({ query }: Plan): SQL {
  const order = sql`e.issue_date desc nulls last, e.id`;
  return query.includeSuperseded ? sql`e.superseded, ${order}` : order;
}

/** A text window around the first occurrence of the query's longest word, so ts_headline reads ~500 characters, not 200 kB. */
function headline({ terms }: Plan): SQL {
  if (!terms.text) return sql`null::text`;
  const anchor = [...terms.words].sort((a, b) => b.length - a.length)[0] ?? '';
  const options = `StartSel="${START_MARK}", StopSel="${STOP_MARK}", MaxWords=30, MinWords=12, MaxFragments=1`;
  return sql`ts_headline('simple', substr(e.body, greatest(strpos(lower(e.body), ${anchor}) - 160, 1), 520),
    websearch_to_tsquery('simple', ${terms.text}), ${options})`;
}

/**
 * The match, one statement: the best-ranked `matchCap` matching entries (GIN indexes on tsv,
 * title_tsv, identifiers and grade keys, btrees newest first; scope and filters on typed columns),
 * then the page's ids (keyset on sort key, id) and the facet counts and total over that same set
 * with GROUPING SETS, and whether the cap cut anything.
 */
export function matchStatement(plan: Plan): SQL {
  const text = textCondition(plan);
  const where = [...scopeConditions(plan.scope), ...filterConditions(plan)];
  const after = plan.cursor
    ? sql`where m.sort_key < ${plan.cursor.sortKey} or (m.sort_key = ${plan.cursor.sortKey} and m.id > ${plan.cursor.id}::uuid)`
    : sql``;
  const columns = sql`e.id, ${sortKey(plan)} as sort_key, e.doc_class, e.cert_type, e.grade_family, e.customer_id, e.order_id, e.issue_year`;
  // One more than the cap, so the statement knows whether the cap cut anything.
  const take = (conditions: SQL[]) => sql`(
      select ${columns} from search_entries e where ${sql.join(conditions, sql` and `)}
      order by ${text ? newestFirst(plan) : sql`sort_key desc, e.id`} limit ${plan.matchCap + 1})`;
  let matched: SQL;
  if (text) {
    // The best-ranked matches of a text query without ranking all of them: the newest matches,
    // the newest title matches and the newest identifier or grade matches, each newest first and
    // at most cap + 1 (every entry the full ranking puts in its first cap + 1 is among them), then
    // ranked. Broad words: the planner walks an index newest first, testing each entry's tsvector,
    // and stops at cap + 1; rare words: the GIN index's bitmap, then a top-N sort.
    const { strong, title } = relevanceConditions(plan.terms);
    const branches = [take([...where, text])];
    for (const lift of [strong, title]) if (lift) branches.push(take([...where, lift, text]));
    matched = sql`select u.* from (${sql.join(branches, sql` union `)}) u order by u.sort_key desc, u.id limit ${plan.matchCap + 1}`;
  } else {
    matched = sql`select * from ${take(where)} u`;
  }
  return sql`
    with matched as materialized (${matched}),
    best as (
      select * from matched m order by m.sort_key desc, m.id limit ${plan.matchCap}
    ),
    page as (
      select m.id, m.sort_key from best m ${after} order by m.sort_key desc, m.id limit ${plan.query.limit + 1}
    ),
    counts as (
      select grouping(doc_class) as g_doc, grouping(cert_type) as g_cert, grouping(grade_family) as g_family,
             grouping(customer_id) as g_customer, grouping(order_id) as g_order, grouping(issue_year) as g_year,
             coalesce(doc_class, cert_type, grade_family, customer_id::text, order_id::text, issue_year::text) as value,
             count(*)::int as n
      from best
      group by grouping sets ((doc_class), (cert_type), (grade_family), (customer_id), (order_id), (issue_year), ())
    ),
    facets as (
      select facet, value, n, row_number() over (partition by facet order by n desc, value) as pos
      from (select case when g_doc = 0 then 'docClass' when g_cert = 0 then 'certType' when g_family = 0 then 'gradeFamily'
                        when g_customer = 0 then 'customerId' when g_order = 0 then 'orderId' when g_year = 0 then 'year'
                        else 'total' end as facet, value, n
            from counts) c
      where value is not null or facet = 'total'
    )
    select
      (select coalesce(json_agg(json_build_object('facet', f.facet, 'value', f.value, 'n', f.n)), '[]'::json)
         from facets f where f.pos <= ${FACET_BUCKETS}) as facets,
      (select coalesce(json_agg(json_build_object('id', p.id, 'sortKey', p.sort_key) order by p.sort_key desc, p.id), '[]'::json)
         from page p) as page,
      (select count(*) <= ${plan.matchCap} from matched) as total_exact`;
}

/**
 * The page's rows for display, by id, under row-level security and the explicit scope again;
 * only these few rows get a headline.
 */
export function pageStatement(plan: Plan, ids: readonly string[]): SQL {
  const where = [
    ...scopeConditions(plan.scope),
    sql`e.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  ];
  return sql`
    select e.id, e.key, e.document_id, e.revision_no, e.artifact_id, e.customer_id, e.order_id, e.title, e.doc_class, e.cert_type,
           e.document_number, e.po_number, e.grade, e.grade_keys, e.heat_numbers, e.tag_numbers, e.issue_date::text as issue_date,
           e.published, e.superseded, ${headline(plan)} as headline
    from search_entries e
    where ${sql.join(where, sql` and `)}`;
}
