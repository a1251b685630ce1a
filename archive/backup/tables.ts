import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db.js';
import type { MigrationLevel } from './format.js';

/** `"name"`, for identifiers read from the catalog (never from user input, but quoted all the same). */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every table of the application schema, parents before children (foreign keys), read from the
 * catalog so that a table added by a later migration is dumped without anyone remembering to list
 * it here. Ties are broken by name, so the order is stable from one backup to the next.
 */
export async function tablesInForeignKeyOrder(db: Db): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
  );
  const edges = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select cl.relname as child, pl.relname as parent from pg_constraint k
        join pg_class cl on cl.oid = k.conrelid join pg_class pl on pl.oid = k.confrelid
        join pg_namespace n on n.oid = cl.relnamespace
        where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid`,
  );
  const parents = new Map(tables.map((t) => [t.name, new Set<string>()]));
  for (const e of edges) parents.get(e.child)?.add(e.parent);
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.map((t) => t.name).filter((n) => !done.has(n) && [...(parents.get(n) ?? [])].every((p) => done.has(p)));
    if (ready.length === 0) throw new Error('foreign keys form a cycle; cannot order the tables for restore');
    for (const name of ready) {
      ordered.push(name);
      done.add(name);
    }
  }
  return ordered;
}

/** The last migration drizzle applied: a restore refuses a dump made under another schema. */
export async function migrationLevel(db: Db): Promise<MigrationLevel> {
  const [row] = await queryRows<{ hash: string; created_at: string; applied: number }>(
    db,
    sql`select hash, created_at::text as created_at, (select count(*) from drizzle.__drizzle_migrations)::int as applied
        from drizzle.__drizzle_migrations order by created_at desc limit 1`,
  );
  if (!row) throw new Error('the database has no migrations applied');
  return { hash: row.hash, createdAt: Number(row.created_at), applied: Number(row.applied) };
}

/** Tables with a `created_at` column: their newest row is part of the RPO point. */
export async function tablesWithCreatedAt(db: Db): Promise<Set<string>> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.columns
        where table_schema = 'public' and column_name = 'created_at'`,
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * The columns a restore writes: every column except generated ones (PostgreSQL computes those,
 * and refuses a value for them), in table order.
 */
export async function insertableColumns(db: Db, table: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select a.attname as name from pg_attribute a join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname = ${table} and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        order by a.attnum`,
  );
  return rows.map((r) => r.name);
}
