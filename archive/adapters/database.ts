import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import * as schema from '../schema.js';
import { lockPgliteDir } from './pglite-lock.js';
import { type SqlFragment, StatementTexts, sqlText } from './sql-text.js';

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies pending migrations; safe when several instances start at once. */
  migrate(): Promise<void>;
  /**
   * PostgreSQL only (null on PGlite): a separate pool of read-only sessions started with these
   * settings, for a reader whose every statement wants the same planner settings (search): it
   * saves the transaction and the `set_config` round trips per statement. Closed with the database.
   */
  readPool(name: string, settings: Readonly<Record<string, string>>, max: number): ReadPool | null;
  close(): Promise<void>;
}

/** A pool of read-only sessions (see `Database.readPool`). */
export interface ReadPool {
  db: Db;
  /**
   * Runs a statement built from `sql` fragments (sql-text.ts) without drizzle, as a prepared
   * statement of its session (prepared once per session and text).
   */
  rows<T>(query: SqlFragment): Promise<T[]>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, PGlite under `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(options.dataDir);
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'arkiv' } });
  const db = drizzle(client, { schema }) as unknown as Db;
  const readClients: Array<ReturnType<typeof postgres>> = [];
  return {
    db,
    kind: 'postgres',
    readPool(name, settings, poolMax) {
      const connection = { ...settings, application_name: `arkiv-${name}`, default_transaction_read_only: true };
      // At most one statement waits on a session behind the running one (postgres.js pipelines up
      // to 100 by default): the session starts it without waiting for a round trip, and the rest
      // wait in the pool's own queue for the first session that frees, instead of queueing behind
      // long searches on a session chosen when they arrived (search bench, 8 clients: p95 ~10 % and
      // p99 ~25 % lower, same throughput). An option postgres.js reads but neither documents nor
      // declares in its types (passed as a variable): should an upgrade drop it, searches get slower,
      // not wrong.
      const options = { max: poolMax, max_pipeline: 1, onnotice: () => {}, connection };
      const reader = postgres(url, options);
      readClients.push(reader);
      const texts = new StatementTexts();
      return {
        db: drizzle(reader, { schema }) as unknown as Db,
        // Not async: the fragments are rendered and dropped before anything waits. An async
        // function would keep its argument, the whole tree of fragments (~1,000 objects for a
        // text search), alive while the statement waits in the pool's queue, long enough to
        // outlive two young-generation collections and be copied into the old generation.
        rows<T>(query: SqlFragment) {
          const { text, params } = sqlText(query);
          return reader.unsafe(texts.shared(text), params as never[], { prepare: true }) as unknown as Promise<T[]>;
        },
      };
    },
    async migrate() {
      // Several servers may boot together: a session advisory lock on a reserved connection
      // serialises the migrators, so each migration is applied exactly once.
      const lockConn = await client.reserve();
      try {
        await lockConn`select pg_advisory_lock(hashtextextended('arkiv:migrate', 0))`;
        await migrate(drizzle(client, { schema }), { migrationsFolder });
      } finally {
        await lockConn`select pg_advisory_unlock(hashtextextended('arkiv:migrate', 0))`;
        lockConn.release();
      }
    },
    async close() {
      await Promise.all([client, ...readClients].map((c) => c.end({ timeout: 5 })));
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const unlock = await lockPgliteDir(dir);
  // pg_trgm backs identifier search (migration 0009), btree_gin the scoped GIN indexes (0012);
  // PGlite ships both as loadable contrib modules.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  const client = await PGlite.create(dir, { extensions: { pg_trgm, btree_gin } }).catch(async (err: unknown) => {
    await unlock();
    throw err;
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    },
    readPool: () => null,
    async close() {
      await client.close();
      await unlock();
    },
  };
}

/** Transaction-scoped advisory lock on an arbitrary string key (released at commit/rollback). */
export async function lockKey(tx: Db, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}
