import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { searchEntries } from '../schema.js';
import { sqlText } from './sql-text.js';

const dialect = new PgDialect();

describe('sqlText', () => {
  it('renders text, nested templates, joins, raw text and values as drizzle does', () => {
    const ids = ['a', 'b'];
    const query = sql`select ${1}, ${'x'} from t where ${sql.join(
      ids.map((id) => sql`id = ${id}`),
      sql` or `,
    )} and ${sql.raw('true')} and flag = ${false} and v is not distinct from ${null}${sql``}`;
    const drizzle = dialect.sqlToQuery(query);
    expect(sqlText(query)).toEqual({ text: drizzle.sql, params: drizzle.params });
  });

  it('refuses what it does not render (columns, tables)', () => {
    expect(() => sqlText(sql`select ${searchEntries.id} from ${searchEntries}`)).toThrow(/plain values only/);
  });
});
