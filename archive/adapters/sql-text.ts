import { sql as drizzleSql, type SQL } from 'drizzle-orm';

/** A statement as PostgreSQL receives it: text with `$n` placeholders, and the values. */
export interface SqlText {
  text: string;
  params: unknown[];
}

/** A value a statement sends as a parameter. */
type Value = string | number | boolean | null;

/**
 * A piece of a statement written with the `sql` template below: the template's strings and the
 * values between them, each a plain value (sent as a parameter) or a nested fragment (rendered in
 * place). The search statements are built from several hundred such pieces per search, on a hot
 * path where every millisecond queues at 8 concurrent searches on two cores: drizzle's own `sql`
 * template allocates a chunk object and an array per string and tests every chunk for being a
 * table (two thirds of a search's garbage and 0.2–0.3 ms of CPU under load, measured in the
 * search bench); a fragment keeps the template's own strings array (one per call site, shared by
 * every call) and the values array the call made anyway.
 */
export class SqlFragment {
  /** A fragment is made by `sql` only: an object of the same shape is not one (and would be sent as a value). */
  readonly #made = true;

  constructor(
    readonly strings: readonly string[],
    readonly values: readonly (SqlFragment | Value)[],
  ) {}

  static is(value: unknown): value is SqlFragment {
    return typeof value === 'object' && value !== null && #made in value;
  }
}

/** A fragment of text and values: sql`e.org_id = ${orgId}::uuid and ${otherFragment}`. */
export function sql(strings: TemplateStringsArray, ...values: (SqlFragment | Value)[]): SqlFragment {
  return new SqlFragment(strings, values);
}

/** Text written as it is: only for text the code itself produces (numbers, column lists), never for input. */
sql.raw = (text: string): SqlFragment => new SqlFragment([text], []);

/** The fragments one after another, `separator` between them. */
sql.join = (parts: readonly SqlFragment[], separator: SqlFragment): SqlFragment => {
  const values: SqlFragment[] = [];
  for (const [i, part] of parts.entries()) {
    if (i > 0) values.push(separator);
    values.push(part);
  }
  return new SqlFragment(new Array(values.length + 1).fill(''), values);
};

/**
 * Walks a fragment in statement order: its text, and each value where it stands (a nested
 * fragment walked in place). The one traversal both renderings use, with the one check of what a
 * value may be.
 */
function visit(fragment: SqlFragment, onText: (text: string) => void, onValue: (value: Value) => void): void {
  const { strings, values } = fragment;
  onText(strings[0] as string);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (SqlFragment.is(value)) visit(value, onText, onValue);
    else {
      // The types allow nothing else; an `undefined` or an object that got past them fails here, not in the database.
      if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new Error(`a statement's values are text, numbers, booleans or null, not ${Object.prototype.toString.call(value)}`);
      }
      onValue(value);
    }
    onText(strings[i + 1] as string);
  }
}

/** The text with `$n` placeholders, and the values in their order. */
export function sqlText(fragment: SqlFragment): SqlText {
  const text: string[] = [];
  const params: unknown[] = [];
  visit(
    fragment,
    (piece) => text.push(piece),
    (value) => {
      params.push(value);
      text.push(`$${params.length}`);
    },
  );
  return { text: text.join(''), params };
}

/**
 * The same statement as a drizzle `SQL`, for a drizzle connection (PGlite's transaction, the typo
 * pass's candidates on the search pool): drizzle renders it to the same text and parameters
 * (sql-text.test.ts, postgres-search-sql.test.ts).
 */
export function toDrizzle(fragment: SqlFragment): SQL {
  const chunks: SQL[] = [];
  visit(
    fragment,
    (piece) => chunks.push(drizzleSql.raw(piece)),
    (value) => chunks.push(drizzleSql`${value}`),
  );
  return drizzleSql.join(chunks);
}

/**
 * One string per distinct statement text, kept: a waiting statement holds the long-lived copy
 * (in the old generation) rather than its own (~9 kB for a text search), which would otherwise
 * be copied by every young-generation collection while it waits in the pool's queue. The texts
 * are few (one per statement shape: values are parameters); past `limit` the set starts over.
 */
export class StatementTexts {
  readonly #texts = new Map<string, string>();

  constructor(private readonly limit = 1000) {}

  shared(text: string): string {
    const known = this.#texts.get(text);
    if (known !== undefined) return known;
    if (this.#texts.size >= this.limit) this.#texts.clear();
    this.#texts.set(text, text);
    return text;
  }
}
