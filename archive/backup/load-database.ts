import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { TableDump } from './format.js';
import { readLines } from './jsonl.js';
import type { RestoreProblem } from './read-backup.js';
import { insertableColumns, quoteIdent } from './tables.js';

const INSERT_ROWS = 500;
/** Rows can be large (extracted text, reports): a batch also stops at this many characters. */
const INSERT_CHARS = 4 * 1024 * 1024;

/** Tables whose rows point at an object version: they get the version the target store gave it. */
const versionedTables: Record<string, true> = { artifacts: true, audit_checkpoints: true };

/**
 * Inserts every dumped row, parents before children, in ONE transaction: a failure leaves the
 * target database empty. Each value is parsed by its column type's input function
 * (json_populate_recordset), the inverse of the `row_to_json` that wrote it; generated columns are
 * left for PostgreSQL to compute. Runs on the owner connection: the rows of every organization go
 * in at once, which row-level security (written for one tenant per transaction) would refuse; the
 * append-only triggers fire on UPDATE and DELETE only, so plain INSERTs pass them. Rows are
 * inserted fresh, never updated: an object's row is written with the target's version id, not
 * patched afterwards.
 */
export async function loadDatabase(
  db: Db,
  dir: string,
  tables: TableDump[],
  versionIds: ReadonlyMap<string, string | null>,
  problems: RestoreProblem[],
): Promise<Record<string, number>> {
  return db.transaction(async (tx) => {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const repoint = versionedTables[table.name] === true;
      let batch: string[] = [];
      let chars = 0;
      let rows = 0;
      const columns = (await insertableColumns(tx, table.name)).map(quoteIdent).join(', ');
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.execute(
          sql`insert into ${sql.raw(quoteIdent(table.name))} (${sql.raw(columns)}) select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(quoteIdent(table.name))}, ${`[${batch.join(',')}]`}::json)`,
        );
        rows += batch.length;
        batch = [];
        chars = 0;
      };
      for await (const line of readLines(join(dir, table.file))) {
        const row = repoint ? withVersion(line, versionIds) : line;
        batch.push(row);
        chars += row.length;
        if (batch.length >= INSERT_ROWS || chars >= INSERT_CHARS) await flush();
      }
      await flush();
      counts[table.name] = rows;
      if (rows !== table.rows) {
        problems.push({
          kind: 'row_count_mismatch',
          file: table.file,
          message: `${table.name}: ${rows} rows restored, the backup recorded ${table.rows}`,
        });
      }
    }
    return counts;
  });
}

/**
 * The object's row with the version id its object received in the target store. An object that
 * could not be restored keeps no version id: the integrity run then reports it missing.
 * (These two tables hold no integers beyond 2^53, so a JSON round trip in JavaScript is exact.)
 */
function withVersion(line: string, versionIds: ReadonlyMap<string, string | null>): string {
  const row = JSON.parse(line) as { id: string; version_id: string | null };
  row.version_id = versionIds.get(row.id) ?? null;
  return JSON.stringify(row);
}
