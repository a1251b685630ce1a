import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { type SqlFragment, sqlText, toDrizzle } from '../archive/adapters/sql-text.js';
import type { SearchScope } from './port.js';
import { matchStatement, type Plan, typoCandidates } from './postgres-search-sql.js';
import { readQuery } from './query-terms.js';

const dialect = new PgDialect();
const render = (s: SqlFragment) => dialect.sqlToQuery(toDrizzle(s));
/** Both ways a statement is sent: the search pool's renderer (PostgreSQL) and drizzle's (PGlite, the typo pass). */
const renderings = (s: SqlFragment) => {
  const { text, params } = sqlText(s);
  return [render(s), { sql: text, params }];
};
const customer: SearchScope = { orgId: 'org-1', customerId: 'cust-1', publishedOnly: true, orderId: 'order-1' };
const plan = (scope: SearchScope, q?: string): Plan => ({
  scope,
  query: { q, limit: 20 },
  terms: readQuery(q),
  typo: false,
  cursor: null,
  matchCap: 5000,
});

describe('search statements', () => {
  it('state the whole scope in every statement, whatever the query', () => {
    for (const statement of [
      matchStatement(plan(customer, '4A2231 duplex')),
      matchStatement(plan(customer)),
      typoCandidates(customer, '4A2231'),
    ]) {
      for (const { sql, params } of renderings(statement)) {
        const scope = sql.match(
          /e\.org_id = \$(\d+)::uuid and e\.customer_id = \$(\d+)::uuid and e\.published and e\.order_id = \$(\d+)::uuid/,
        );
        expect(scope?.slice(1).map((n) => params[Number(n) - 1])).toEqual(['org-1', 'cust-1', 'order-1']);
        // Every scope placeholder of every step holds the scope's value (numbered in the order written).
        const valuesOf = (pattern: RegExp) => [...sql.matchAll(pattern)].map((m) => params[Number(m[1]) - 1]);
        expect(new Set(valuesOf(/org_id = \$(\d+)::uuid/g))).toEqual(new Set(['org-1']));
        expect(new Set(valuesOf(/e\.customer_id = \$(\d+)::uuid/g))).toEqual(new Set(['cust-1']));
        expect(sql).toMatch(
          /e\.document_id is null or e\.document_id not in \(\s*select d\.id from documents d where d\.org_id = \$\d+::uuid and d\.export_controlled\)/,
        );
      }
    }
  });

  it('states the scope in each step of the match (two walks, the newest year, the year steps, all matches) and in the page rows', () => {
    const { sql } = render(matchStatement(plan(customer, 'impact test')));
    expect(sql.match(/e\.org_id = \$\d+::uuid and e\.customer_id = \$\d+::uuid and e\.published/g)).toHaveLength(6);
    expect(sql.match(/from search_words e where e\.org_id = \$\d+::uuid and e\.customer_id = \$\d+::uuid and e\.published/g)).toHaveLength(
      3,
    );
    expect(sql).toContain('from search_entries e where');
    expect(sql).toMatch(/join search_entries e on e\.id = p\.id[^;]*?\s+where e\.org_id = \$\d+::uuid/);
  });

  it('lets cleared staff see export-controlled entries, and never more than their organization', () => {
    const { sql } = render(matchStatement(plan({ orgId: 'org-1', customerId: null, publishedOnly: false, exportCleared: true })));
    expect(sql).toMatch(/e\.org_id = \$\d+::uuid/);
    expect(sql).not.toContain('export_controlled');
    expect(sql).not.toContain('e.customer_id = ');
  });

  it('matches identifier-like words by infix as well as by full text', () => {
    const { sql, params } = render(matchStatement(plan(customer, '4A22 duplex')));
    expect(sql).toContain(
      "e.words @@ (select regexp_replace(q::text, '<[0-9]*->|<[0-9]+>', '&', 'g')::tsquery from websearch_to_tsquery('simple'",
    );
    expect(sql).toContain('e.identifiers_compact like');
    expect(params).toContain('%4A22%');
    expect(params).toContain('duplex');
  });

  it('render the same through sqlText (the search pool) as through drizzle (PGlite)', () => {
    const staff: SearchScope = { orgId: 'org-1', customerId: null, publishedOnly: false };
    const plans: Plan[] = [
      plan(customer, 'impact test'),
      plan(staff, '4A22 duplex "NORSOK M-650" -draft'),
      { ...plan(staff), query: { heat: '21-4', po: '4500', grade: 'F51', docClass: 'mtc', issuedFrom: '2020-01-01', limit: 5 } },
      { ...plan(staff, 'duplex'), cursor: { sortKey: 3044000, id: '00000000-0000-0000-0000-000000000001' }, warmSession: true },
    ];
    const statements = [...plans.map(matchStatement), typoCandidates(customer, '4A2231'), typoCandidates(staff, '21-43567')];
    for (const statement of statements) {
      const drizzle = render(statement);
      expect(sqlText(statement)).toEqual({ text: drizzle.sql, params: drizzle.params });
    }
  });
});
