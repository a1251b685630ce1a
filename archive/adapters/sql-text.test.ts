import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { type SqlFragment, StatementTexts, sql, sqlText, toDrizzle } from './sql-text.js';

const dialect = new PgDialect();

describe('sql fragments', () => {
  const ids = ['a', 'b'];
  const query = sql`select ${1}, ${'x'} from t where ${sql.join(
    ids.map((id) => sql`id = ${id}`),
    sql` or `,
  )} and ${sql.raw('true')} and flag = ${false} and v is not distinct from ${null}${sql``}`;

  it('render text, nested templates, joins, raw text and values with numbered placeholders', () => {
    expect(sqlText(query)).toEqual({
      text: 'select $1, $2 from t where id = $3 or id = $4 and true and flag = $5 and v is not distinct from $6',
      params: [1, 'x', 'a', 'b', false, null],
    });
  });

  it('become the same statement through drizzle (PGlite, transactions)', () => {
    const drizzle = dialect.sqlToQuery(toDrizzle(query));
    expect(sqlText(query)).toEqual({ text: drizzle.sql, params: drizzle.params });
  });

  it('refuse what is neither a value nor a fragment, should it get past the types', () => {
    expect(() => sqlText(sql`a = ${undefined as unknown as string}`)).toThrow(/text, numbers, booleans or null, not \[object Undefined\]/);
    // @ts-expect-error an object of a fragment's shape is not a fragment
    const lookalike: SqlFragment = { strings: ['x'], values: [] };
    expect(() => sqlText(sql`a = ${lookalike}`)).toThrow(/not \[object Object\]/);
  });

  it('join nothing into nothing, and one part into itself', () => {
    expect(sqlText(sql.join([], sql`, `))).toEqual({ text: '', params: [] });
    expect(sqlText(sql.join([sql`a = ${1}`], sql`, `))).toEqual({ text: 'a = $1', params: [1] });
  });
});

describe('statement texts', () => {
  // Built the way sqlText builds them: equal text, a different string each time.
  const text = (n: number) => ['select ', String(n), ' from t'].join('');

  it('give every statement of the same text the one string kept', () => {
    const texts = new StatementTexts();
    const first = texts.shared(text(1));
    const again = text(1);
    expect(texts.shared(again)).toBe(first);
    expect(texts.shared(text(2))).toBe('select 2 from t');
  });

  it('keep at most their limit, then start over', () => {
    const texts = new StatementTexts(2);
    texts.shared(text(1));
    texts.shared(text(2));
    const third = text(3);
    expect(texts.shared(third)).toBe(third);
    expect(texts.shared(text(3))).toBe(third);
    expect(texts.shared('select 1 from t')).toBe('select 1 from t');
  });
});
