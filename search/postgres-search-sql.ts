import { type SqlFragment, sql } from '../archive/adapters/sql-text.js';
import { gradeInfo } from './grades.js';
import { compactIdentifier } from './highlight.js';
import type { SearchQuery, SearchScope } from './port.js';
import { type Cursor, infixPattern, type QueryTerms } from './query-terms.js';

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
  /** On a PostgreSQL search session: keep its memory between searches (see `WARM_SESSION`). */
  warmSession?: boolean;
}

/**
 * Matches a search ranks, counts and pages through at most. A query matching more (a common word
 * over the whole archive) keeps its newest `matchCap` matches (for a text query; the best-ranked
 * ones without text), ranked by relevance among themselves: `total` and the facets count those
 * and say they are a lower bound (`totalExact: false`), and paging stops at the cap. A document
 * controller narrows such a query with a filter or a facet rather than paging past 12 pages;
 * counting all 35,000 matches of "impact test" cost several times the rest of the search, and
 * 250 keeps a broad query within the latency a typed search needs on a small server.
 */
export const DEFAULT_MATCH_CAP = 250;

/**
 * A limit or a count written into the text, not sent as a parameter: a generic plan (see
 * `SEARCH_SESSION_SETTINGS`) must know its LIMITs to choose the walks' ordered index scans. Only
 * for the constants of the walks and the cap: the page size, which a client chooses, stays a
 * parameter, so each session prepares one statement per query shape, not one per page size.
 */
const count = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a count: ${n}`);
  return sql.raw(String(n));
};

const list = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

/**
 * The entry holds `value` in `field` (exact pass: an infix of the identifiers through the trigram
 * index, confirmed on the field itself), or one within one edit (typo pass: the checked ids).
 */
function identifierMatch(plan: Plan, field: IdentifierField, value: string): SqlFragment {
  // Identifiers too short for a typo pass keep matching exactly in it.
  const checked = plan.typo ? plan.typoIds?.get(typoKey(field, value)) : undefined;
  if (checked) {
    // One array parameter: the statement's text does not change with the number of candidates.
    return checked.length ? sql`e.id = any(${`{${checked.join(',')}}`}::uuid[])` : sql`false`;
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
function identifierInfix(field: IdentifierField, value: string): SqlFragment {
  const compact = compactIdentifier(value);
  if (!compact) return sql`false`;
  const typedCompact = compact === value;
  // Typed with separators, confirmed as typed by strpos, which no index offers to the planner: the
  // plain trigram index would (for "1-45" it proposes every entry, estimating ten).
  const candidates = typedCompact
    ? sql`${COMPACT_IDENTIFIERS} like ${infixPattern(compact)}`
    : sql`${COMPACT_IDENTIFIERS} like ${infixPattern(compact)} and strpos(e.identifiers, ${value}) > 0`;
  const holds = (column: SqlFragment) =>
    typedCompact ? sql`${compactSql(sql`upper(${column})`)} like ${infixPattern(compact)}` : sql`${column} ilike ${infixPattern(value)}`;
  if (field === 'heat') return sql`${candidates} and exists (select 1 from unnest(e.heat_numbers) h where ${holds(sql`h`)})`;
  if (field === 'po') return sql`${candidates} and ${holds(sql`e.po_number`)}`;
  return candidates;
}

/** An identifier without separators, in SQL (as `compactIdentifier`). */
const compactSql = (value: SqlFragment) => sql`regexp_replace(${value}, '[^[:alnum:] ]', '', 'g')`;
/** The identifiers without separators (stored: `compactSql` of `identifiers`), as the scoped trigram index holds them. */
const COMPACT_IDENTIFIERS = sql`e.identifiers_compact`;

/** Entries in scope with an identifier that shares enough trigrams with `value`, closest first. */
export function typoCandidates(scope: SearchScope, value: string): SqlFragment {
  return sql`
    select e.id, e.identifiers, e.heat_numbers, e.po_number from search_entries e
    where ${sql.join(scopeConditions(scope), sql` and `)} and ${value} <% e.identifiers
    order by ${value} <<-> e.identifiers, e.id
    limit ${count(TYPO_CANDIDATES)}`;
}

/**
 * The caller's scope, stated explicitly in every step of a search (which runs as the tables'
 * owner, see PostgresSearchIndex.run): the first conditions of every statement, built from the
 * `SearchScope` alone, so no query parameter can widen what a search sees.
 */
function scopeConditions(scope: SearchScope): SqlFragment[] {
  const where = [sql`e.org_id = ${scope.orgId}::uuid`];
  if (scope.customerId) where.push(sql`e.customer_id = ${scope.customerId}::uuid`);
  if (scope.customerId || scope.publishedOnly) where.push(sql`e.published`);
  if (scope.orderId) where.push(sql`e.order_id = ${scope.orderId}::uuid`);
  // Without clearance an export-controlled document does not exist, not even as a count. The
  // organization's few export-controlled documents are read once (partial index) into a hashed
  // set, instead of probing `documents` once per entry a broad query walks.
  if (!scope.exportCleared) {
    where.push(sql`(e.document_id is null or e.document_id not in (
      select d.id from documents d where d.org_id = ${scope.orgId}::uuid and d.export_controlled))`);
  }
  return where;
}

function filterConditions(plan: Plan): SqlFragment[] {
  const { query } = plan;
  const where: SqlFragment[] = [];
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

/**
 * The query's tsquery, computed once per execution (an InitPlan): in a generic plan (see
 * `SEARCH_SESSION_SETTINGS`) the function of a parameter would otherwise run for every row tested.
 */
const tsQuery = (text: string) => sql`(select websearch_to_tsquery('simple', ${text}))`;

/**
 * `text` in the entry's words. Tested on the stripped `words` (GIN-indexed; in line in
 * `search_words`, which walks read); a phrase ("M-650", quoted words) is loosened there into its
 * words (`found`) and confirmed on the positional tsvector (`confirmed`), for the few entries that
 * hold them all. The comparison of the two queries is computed once per run (an InitPlan), so a
 * plain query never reads the tsvector. A phrase under a negation cannot be loosened (excluding
 * "a b" is not excluding a and b): such a query tests the tsvector alone.
 */
function fullTextParts(plan: Plan, text: string, walking = false): { found: SqlFragment; confirmed: SqlFragment | null } {
  const query = tsQuery(text);
  const positional = walking ? onEntry(sql`e.tsv @@ ${query}`) : sql`e.tsv @@ ${query}`;
  if (plan.terms.negated) return { found: positional, confirmed: null };
  const loosen = (q: SqlFragment) => sql`regexp_replace(${q}::text, '<[0-9]*->|<[0-9]+>', '&', 'g')::tsquery`;
  const loosened = sql`(select ${loosen(sql`q`)} from websearch_to_tsquery('simple', ${text}) q)`;
  const unchanged = sql`(select ${loosen(sql`q`)} = q from websearch_to_tsquery('simple', ${text}) q)`;
  return { found: sql`e.words @@ ${loosened}`, confirmed: sql`(${unchanged} or ${positional})` };
}

function fullText(plan: Plan, text: string, walking = false): SqlFragment {
  const { found, confirmed } = fullTextParts(plan, text, walking);
  return confirmed ? sql`(${found} and ${confirmed})` : found;
}

/**
 * A condition on the `search_entries` row of the `search_words` row `e` a walk is testing (its
 * positional tsvector, its identifiers): read only for the few walked entries whose words match.
 */
const onEntry = (condition: SqlFragment) => sql`exists (select 1 from (select * from search_entries where id = e.id) e where ${condition})`;

/**
 * Full text, or every identifier-like word in the identifiers (and the other words in the text).
 * Walking `search_words`, the identifiers are read from the entry itself, after its words matched.
 */
function textCondition(plan: Plan, walking = false): SqlFragment | null {
  const { terms } = plan;
  if (!terms.text) return null;
  const text = fullText(plan, terms.text, walking);
  if (terms.identifiers.length === 0) return text;
  const ids = terms.identifiers.map((id) => identifierMatch(plan, 'any', id));
  if (walking) {
    const identified = onEntry(sql.join(ids, sql` and `));
    return sql`(${text} or ${terms.rest ? sql`(${fullText(plan, terms.rest, true)} and ${identified})` : identified})`;
  }
  if (terms.rest) ids.push(fullText(plan, terms.rest));
  const identifiers = sql`(${sql.join(ids, sql` and `)})`;
  const { found, confirmed } = fullTextParts(plan, terms.text);
  // "Identifiers, or words found and confirmed", written as "(identifiers or words found) and
  // (identifiers or confirmed)": the first is exactly the two arms of the bitmap (trigram and words
  // GIN), so PostgreSQL does not test it again on each candidate row, as it did the whole OR (a
  // TOAST fetch of the entry's words: 1 ms of a 2.6 ms search with 425 candidates); the second is
  // a constant without a phrase. The identifiers first: OR stops at its first true arm.
  return confirmed ? sql`((${identifiers} or ${found}) and (${identifiers} or ${confirmed}))` : sql`(${identifiers} or ${found})`;
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
function relevanceConditions(terms: QueryTerms, walking: boolean): { strong: SqlFragment | null; title: SqlFragment | null } {
  const strong: SqlFragment[] = [];
  // A walked `search_words` row has no identifiers: its entry's are read (for the cap's rows only).
  for (const id of terms.identifiers) strong.push(walking ? onEntry(identifierInfix('any', id)) : identifierInfix('any', id));
  const grades = queryGradeKeys(terms);
  if (grades.length) strong.push(sql`e.grade_keys && ${list(grades)}`);
  return {
    strong: strong.length ? sql`(${sql.join(strong, sql` or `)})` : null,
    // The whole query matching the title's own words (a small tsvector in line, not the body's).
    title: terms.text ? sql`e.title_tsv @@ ${tsQuery(terms.text)}` : null,
  };
}

/**
 * The ordering key, computed from short typed columns only (never from the tsvector, whose
 * detoasting over thousands of matches would dominate the latency): relevance class first —
 * 3 an identifier or the grade matched, 2 the title, 1 the body text — then current before
 * superseded, then the newest issue date (days since 1900; none or earlier: last), then the id
 * (ascending, in the cursor). The same order as `newestFirst` within a relevance class.
 */
function sortKey({ terms }: Plan, walking: boolean): SqlFragment {
  const days = sql`least(greatest(coalesce(e.issue_date - date '1900-01-01' + 1, 0), 0), 999999)`;
  const current = sql`(case when e.superseded then 0 else 1 end)`;
  if (!terms.text) return sql`(${current} * 1000000 + ${days})::bigint`;
  const { strong, title } = relevanceConditions(terms, walking);
  const relevance = sql`(case when ${strong ?? sql`false`} then 3 when ${title ?? sql`false`} then 2 else 1 end)`;
  return sql`((${relevance} * 2 + ${current}) * 1000000 + ${days})::bigint`;
}

/**
 * Within a relevance class, the sort key's order, which the `search_words_recent*` indexes deliver
 * for current entries, so a broad text match stops at the cap. (Not offered without a text query:
 * for a rare heat infix the planner would walk that index and test all 60,000 entries.)
 */
function newestFirst({ query }: Plan): SqlFragment {
  const order = sql`e.issue_date desc nulls last, e.id`;
  return query.includeSuperseded ? sql`e.superseded, ${order}` : order;
}

/**
 * A window of the body around an occurrence of the query's longest word (the first one written in
 * lower case, else capitalized, else in capitals, else the first in any case; 320 bytes from 100
 * before it), for the snippet (`utf8Window`, `excerptHtml`), and where it starts (a byte offset,
 * 1: the start of the body): the body is never sent whole.
 */
function excerpt({ terms }: Plan): { columns: SqlFragment; start: SqlFragment } {
  if (!terms.text) return { columns: sql`null::bytea as excerpt, null::int as excerpt_start`, start: sql`` };
  const anchor = [...terms.words].sort((a, b) => b.length - a.length)[0] ?? '';
  const at = (word: string, body = sql`b.body`) => sql`position(convert_to(${word}, 'UTF8') in ${body})`;
  return {
    // Bytes, not characters: in a multibyte encoding every character function (strpos, substr)
    // counts the characters before its position, one call per character: cutting 20 windows by
    // characters cost more than reading the 20 rows (measured on the bench database). The window
    // may cut a character in two; `utf8Window` drops the pieces.
    columns: sql`substring(w.body from w.start for ${EXCERPT_LENGTH}) as excerpt, w.start as excerpt_start`,
    // Found once per row (`offset 0` keeps the planner from copying the expression into both uses);
    // by byte searches for the word as written in lower case, capitalized and in capitals ("NORSOK",
    // "Sandvik"), in the lower-cased body only when all three fail (lower() of a page row's body
    // costs more than the rest of its excerpt). The body is stored out of line: read once
    // (`|| ''`), not once per function that reads it; `convert_to` to the database's own encoding
    // only checks it and reads the same bytes.
    start: sql`cross join lateral (select b.body, greatest(coalesce(nullif(${at(anchor)}, 0), nullif(${at(capitalized(anchor))}, 0),
                 nullif(${at(anchor.toUpperCase())}, 0), ${at(anchor, sql`convert_to(lower(b.text), 'UTF8')`)}) - ${EXCERPT_LEAD}, 1) as start
               from (select t.text, convert_to(t.text, 'UTF8') as body from (select e.body || '' as text offset 0) t offset 0) b offset 0) w`,
  };
}
const EXCERPT_LEAD = 100;
const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
export const EXCERPT_LENGTH = 320;

/**
 * How a text query finds its newest matches (see `newestTextMatches`): a first walk over the
 * newest `first × cap` entries in scope (small: for a sparse word it is only the density probe);
 * a second one on from the first one's last match, up to `second × cap` entries in all, when the
 * first found at least a fraction `dense` of its window matching (so that the second, at that
 * density, fills the cap); when it found fewer but at least a fraction `sparse`, the matches of
 * the newest `years` issue years, one year at a time through the GIN index (its issue-year key);
 * else, or when those too fall short, all matches through the GIN index. A walked `search_words`
 * entry costs ~1.5 µs, a GIN match ~2 µs (a random heap row, then the sort), a year step ~0.7 ms
 * besides, so the second walk (~4 ms at most) beats reading all matches from that density on
 * (~5,000 matches in an organization of 60,000 entries), and a mid-density word ("duplex", 5 %:
 * 2,500 matches) is found in its newest year's 280 (1.3 ms instead of 5.3; measured with
 * test/bench/search.ts).
 */
export const WALK = { first: 2, second: 12, dense: 0.085, sparse: 0.03, years: 3 } as const;

const and = (conditions: SqlFragment[]) => sql.join(conditions, sql` and `);

/**
 * The columns of `search_entries` that ranking and counting a match read (see `sortKey`,
 * `matchStatement`): what the GIN steps carry through their top-N sort, rather than whole rows
 * (15 % of reading 2,500 matches).
 */
const RANKED_COLUMNS = sql.raw(`e.id, e.superseded, e.issue_date, e.issue_year, e.doc_class, e.cert_type, e.grade_family,
  e.customer_id, e.order_id, e.grade_keys, e.title_tsv, e.identifiers, e.identifiers_compact`);

/**
 * The matches a text query ranks: its newest `cap + 1` matches (ranked by relevance afterwards).
 * PostgreSQL cannot stop a GIN match early in date order, and its estimates for common or
 * correlated words ("impact test": a bitmap of 60,000 entries; "weld neck flange": 2,000
 * estimated, 10,000 real) pick plans that read every match, so the statement decides by what it
 * finds rather than by an estimate. It walks the newest entries in scope in `search_words` (a
 * `search_words_recent*` btree; narrow rows with the words in line), testing each one's words
 * and stopping at `cap + 1` matches, over bounded windows (`WALK`); a word too sparse for that is
 * read year by year from the newest through the GIN index; each further step runs only when the
 * previous ones came up short, gated by one-time filters on their counts; the last step takes all
 * matches through the GIN index. Every path yields the same entries, the newest `cap + 1`
 * matches; the sort key is computed for those only.
 */
function newestTextMatches(plan: Plan, columns: (walking: boolean) => SqlFragment, where: SqlFragment[], text: SqlFragment): SqlFragment {
  const cap = plan.matchCap;
  const take = cap + 1;
  const order = newestFirst(plan);
  // Steps through the GIN index, for matches the walks found too sparse, then a top-N sort. Their
  // ORDER BY is written so that no btree provides it (`issue_date + 0`, the same date), or the
  // planner, trusting its estimate, would walk the btree once more, matches apart.
  const unwalkable = sql`${plan.query.includeSuperseded ? sql`e.superseded, ` : sql``}e.issue_date + 0 desc nulls last, e.id`;
  const indexed = (gate: SqlFragment) =>
    sql`select ${columns(false)} from (select ${RANKED_COLUMNS} from search_entries e where ${and([...where, text])} and ${gate} order by ${unwalkable} limit ${count(take)}) e`;
  // Superseded entries are in no `recent` btree: walking them newest first would sort the scope.
  // A query of identifiers alone (a heat or PO number, or a piece of one), or filtered by a heat or
  // PO number, matches a handful of entries through the trigram index: walking would test a
  // thousand for nothing (and `search_words`, which walks read, holds no identifiers).
  const { terms, query } = plan;
  const identified = (terms.identifiers.length > 0 && !terms.rest) || query.heat?.trim() || query.po?.trim();
  const walkText = textCondition(plan, true);
  if (query.includeSuperseded || identified || !walkText) return indexed(sql`true`);
  const walk = (window: number, gate: SqlFragment, wanted: SqlFragment = count(take)) => sql`
    select ${columns(true)} from (
      select e.* from (select e.* from search_words e where ${and(where)} and ${gate} order by ${order} limit ${count(window)}) e
      where ${walkText} order by ${order} limit ${wanted}) e`;
  // Each step's count is taken once, in its own one-row CTE (`<step>_n`), and read by every gate
  // that needs it: an aggregate per gate was a dozen aggregates to start and run per search.
  const counted = (step: string) => sql.raw(`${step}_n as materialized (select count(*) as n from ${step})`);
  const found = (...steps: string[]) => sql.raw(steps.map((step) => `(select n from ${step}_n)`).join(' + '));
  const firstWindow = WALK.first * cap;
  const worthWalking = Math.ceil(firstWindow * WALK.dense);
  const worthYears = Math.ceil(firstWindow * WALK.sparse);
  // The years are read only when the first walk's matches, spread over the days they span, promise the cap in
  // that many years with a margin (in a small scope its window spans a year or more, and the
  // years would fall short one after the other before all matches are read anyway).
  const yearsWorthIt = sql`(select n * ${count(365 * WALK.years)} >= ${count(Math.ceil(take * 1.5))} * span from walk1_n)`;
  // Year by year from the newest issue year of the scope and filters (no match is newer), newest
  // first within each year, cut to `cap + 1`: the newest matches as soon as it holds more than
  // the cap. One nested loop over the years, which the LIMIT stops: a later year is read only
  // while the ones before it hold no more than the cap (and the plan has one such step to start,
  // not one per year).
  const yearSteps = sql`years as materialized (
      select m.* from generate_series(0, ${count(WALK.years - 1)}) as step(k)
      cross join lateral (${indexed(sql`e.issue_year = (select y from newest) - step.k`)}) m
      where ${found('walk1')} between ${count(worthYears)} and ${count(worthWalking - 1)} and ${yearsWorthIt}
      limit ${count(take)}),
    ${counted('years')}`;
  return sql`
    with walk1 as materialized (${walk(firstWindow, sql`true`)}),
    walk1_n as materialized (select count(*) as n, greatest(max(m.issue_date) - min(m.issue_date), 1) as span from walk1 m),
    last1 as materialized (select m.issue_date as d, m.id from walk1 m order by m.issue_date nulls first, m.id desc limit 1),
    walk2 as materialized (${walk(
      (WALK.second - WALK.first) * cap,
      sql`${found('walk1')} between ${count(worthWalking)} and ${count(cap)}
        and e.issue_date <= (select d from last1) and (e.issue_date < (select d from last1) or e.id > (select id from last1))`,
      sql`(select ${count(take)} - n from walk1_n)`,
    )}),
    ${counted('walk2')},
    newest as materialized (select e.issue_year as y from search_words e where ${and(where)} order by ${order} limit 1),
    ${yearSteps}
    select * from walk1 where ${found('walk1')} > ${count(cap)}
    union all
    select * from (select * from walk1 union all select * from walk2) m where ${found('walk1')} <= ${count(cap)} and ${found('walk1', 'walk2')} > ${count(cap)}
    union all
    select * from years where ${found('years')} > ${count(cap)}
    union all
    ${indexed(sql`${found('walk1')} <= ${count(cap)} and ${found('walk1', 'walk2')} <= ${count(cap)} and ${found('years')} <= ${count(cap)}`)}`;
}

/**
 * glibc hands a PostgreSQL backend's freed memory back to the kernel whenever more than 128 kB is
 * free at the top of its heap, so every search planned and ran in freshly faulted pages: 180 to
 * 450 page faults per search, 40 to 60 % of its CPU time on this machine's virtual CPUs (measured
 * with /proc/PID/stat over repeated searches). Freeing one large block that glibc had to map
 * raises both of its thresholds for the rest of the session (mmap to the block's size, trim to
 * twice that), after which a search reuses its memory: no faults. The first search of each
 * session of the search pool allocates and frees such a block (4 MiB, once), and marks the
 * session so later searches skip it (a placeholder setting; `current_setting` is stable, so the
 * planner cannot fold the allocation into every plan).
 */
const WARM_BYTES = 4 * 1024 * 1024;
const WARM_SESSION = sql.raw(`(select length(repeat(' ', case when current_setting('arkiv.search_session', true) is null
        then ${WARM_BYTES} else 0 end)) + length(set_config('arkiv.search_session', 'warm', false)))`);

/**
 * The match and the page, one statement: the `matchCap + 1` matching entries to rank (all of
 * them when there are no more; for a text query the newest, see `newestTextMatches`), the best
 * `matchCap` of them by sort key, the page (keyset on sort key, id; one entry more than shown, to
 * know whether there is a next page) with its rows for display and their body excerpts, the best
 * matches' facet columns (counted by `countedResult`: GROUPING SETS and a window cost PostgreSQL
 * more to plan, two to three milliseconds, than a heat-number search takes to run), and whether
 * the cap cut anything.
 */
export function matchStatement(plan: Plan): SqlFragment {
  const text = textCondition(plan);
  const scope = scopeConditions(plan.scope);
  const where = [...scope, ...filterConditions(plan)];
  const after = plan.cursor
    ? sql`where m.sort_key < ${plan.cursor.sortKey} or (m.sort_key = ${plan.cursor.sortKey} and m.id > ${plan.cursor.id}::uuid)`
    : sql``;
  // The same columns in `search_entries` and in `search_words` (what a walk reads).
  const columns = (walking: boolean) =>
    sql`e.id, ${sortKey(plan, walking)} as sort_key, e.doc_class, e.cert_type, e.grade_family, e.customer_id, e.order_id, e.issue_year, e.issue_date`;
  const matched = text
    ? newestTextMatches(plan, columns, where, text)
    : sql`select ${columns(false)} from search_entries e where ${and(where)} order by sort_key desc, e.id limit ${count(plan.matchCap + 1)}`;
  return sql`
    with matched as materialized (${matched}),
    best as materialized (select * from matched m order by m.sort_key desc, m.id limit ${count(plan.matchCap)}),
    page as (select m.id, m.sort_key from best m ${after} order by m.sort_key desc, m.id limit ${plan.query.limit + 1})
    select
      (select json_build_array(count(*), json_agg(doc_class), json_agg(cert_type), json_agg(grade_family),
         (select json_object_agg(c.v, c.n) from (select customer_id as v, count(*) as n from best where customer_id is not null group by 1) c),
         (select json_object_agg(o.v, o.n) from (select order_id as v, count(*) as n from best where order_id is not null group by 1) o),
         json_agg(issue_year)) from best) as counts,
      (select coalesce(json_agg(json_build_array(p.id, p.sort_key) order by p.sort_key desc, p.id), '[]'::json) from page p) as page,
      (select coalesce(json_agg(row_to_json(r)), '[]'::json) from (${pageRows(plan, scope)}) r) as rows,
      (select count(*) <= ${count(plan.matchCap)} from matched) as total_exact
      ${plan.warmSession ? sql`, ${WARM_SESSION} as warm` : sql``}`;
}

/**
 * The page's rows for display (at most `limit` of them), read by primary key with the explicit
 * scope stated again; only these few rows read their body (a window of it, for the snippet).
 */
function pageRows(plan: Plan, scope: SqlFragment[]): SqlFragment {
  const window = excerpt(plan);
  return sql`
    select e.id, e.org_id, e.key, e.document_id, e.revision_no, e.artifact_id, e.customer_id, e.order_id, e.title, e.doc_class,
           e.cert_type, e.document_number, e.po_number, e.grade, e.grade_keys, e.heat_numbers, e.tag_numbers,
           e.issue_date::text as issue_date, e.published, e.superseded, ${window.columns}
    from (select p.id from page p order by p.sort_key desc, p.id limit ${plan.query.limit}) p
    join search_entries e on e.id = p.id ${window.start}
    where ${and(scope)}`;
}
