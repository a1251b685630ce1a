import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/** One type for both drivers (PGlite embedded, postgres.js in production) and their transactions. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** `db.execute` returns `{rows}` on PGlite and an array on postgres.js; callers want the rows. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
