import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db.js';
import type { MigrationLevel, RpoPoint, TableDump } from './format.js';
import { tableFile } from './format.js';
import { HashedFileWriter, type WrittenFile } from './hashed-file.js';
import { migrationLevel, quoteIdent, tablesInForeignKeyOrder, tablesWithCreatedAt } from './tables.js';

const FETCH_ROWS = 1000;

export interface DatabaseDump {
  snapshotAt: string;
  migration: MigrationLevel;
  tables: TableDump[];
  organizations: number;
  rpo: Omit<RpoPoint, 'ageSeconds'>;
  /** Relative path → hash and size of each file written. */
  files: Map<string, WrittenFile>;
}

/**
 * Dumps every table, one JSON line per row, inside ONE read-only repeatable-read transaction: all
 * tables show the same instant, so an artifact row is never dumped without the audit entry that
 * recorded its upload. Rows are fetched through a cursor in batches, so memory stays flat.
 * Runs on the owner connection: row-level security would hide other organizations' rows.
 */
export async function dumpDatabase(db: Db, dir: string): Promise<DatabaseDump> {
  return db.transaction(
    async (tx) => {
      const [clock] = await queryRows<{ now: string }>(tx, sql`select to_json(now()) #>> '{}' as now`);
      const migration = await migrationLevel(tx);
      const withCreatedAt = await tablesWithCreatedAt(tx);
      const files = new Map<string, WrittenFile>();
      const tables: TableDump[] = [];
      let newestRowAt: string | null = null;
      for (const name of await tablesInForeignKeyOrder(tx)) {
        const file = tableFile(name);
        const rows = await dumpTable(tx, name, join(dir, file), files, file);
        tables.push({ name, rows, file });
        if (withCreatedAt.has(name)) {
          const [m] = await queryRows<{ at: string | null }>(
            tx,
            sql.raw(`select to_json(max(created_at)) #>> '{}' as at from ${quoteIdent(name)}`),
          );
          if (m?.at && (!newestRowAt || Date.parse(m.at) > Date.parse(newestRowAt))) newestRowAt = m.at;
        }
      }
      const [audit] = await queryRows<{ at: string | null }>(tx, sql`select max(at) as at from audit_entries`);
      const [orgs] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from organizations`);
      const newestAuditEntryAt = audit?.at ?? null;
      const candidates = [newestAuditEntryAt, newestRowAt].filter((x): x is string => x !== null);
      const newest = candidates.length ? new Date(Math.max(...candidates.map((c) => Date.parse(c)))).toISOString() : null;
      return {
        snapshotAt: new Date(clock?.now ?? Date.now()).toISOString(),
        migration,
        tables,
        organizations: Number(orgs?.n ?? 0),
        rpo: {
          newestAuditEntryAt,
          newestRowAt: newestRowAt ? new Date(newestRowAt).toISOString() : null,
          newestChangeAt: newest,
        },
        files,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

async function dumpTable(tx: Db, name: string, path: string, files: Map<string, WrittenFile>, file: string): Promise<number> {
  const out = await HashedFileWriter.create(path);
  let rows = 0;
  try {
    // row_to_json prints each value with its type's own output function: exact, and parsed back
    // by the same type's input function on restore (json_populate_recordset).
    await tx.execute(sql.raw(`declare arkiv_backup no scroll cursor for select row_to_json(t)::text as j from ${quoteIdent(name)} t`));
    for (;;) {
      const batch = await queryRows<{ j: string }>(tx, sql.raw(`fetch ${FETCH_ROWS} from arkiv_backup`));
      for (const r of batch) await out.write(`${r.j}\n`);
      rows += batch.length;
      if (batch.length < FETCH_ROWS) break;
    }
    await tx.execute(sql.raw('close arkiv_backup'));
  } finally {
    files.set(file, await out.close());
  }
  return rows;
}
