import { sql } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { type Db, queryRows } from '../db.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { BackupSummary } from './format.js';
import { loadDatabase } from './load-database.js';
import { openBackup, type RestoreProblem } from './read-backup.js';
import { RestoreRefused } from './restore-errors.js';
import { restoreObjects } from './restore-objects.js';
import { migrationLevel } from './tables.js';

export interface RestoreTarget {
  /** The owner connection of a migrated target database. */
  db: Db;
  store: BlobStore;
  spoolDir: string;
  clock: Clock;
}

export interface RestoreOptions {
  /**
   * Key ids the target trusts for audit checkpoints. When given, a backup whose checkpoints were
   * signed by another key is refused up front: its audit chain could not verify on the target.
   */
  trustedAuditKeyIds?: readonly string[];
}

export interface RestoreResult {
  summary: BackupSummary;
  tables: Record<string, number>;
  objects: { artifacts: number; checkpoints: number; bytes: number };
  problems: RestoreProblem[];
}

/**
 * Restores a backup into a fresh target: checks the backup's files, the schema level and that
 * the target is empty (all before writing anything), then puts the objects back (new version ids)
 * and inserts the rows pointing at them.
 */
export async function restoreBackup(dir: string, target: RestoreTarget, options: RestoreOptions = {}): Promise<RestoreResult> {
  const opened = await openBackup(dir);
  const { summary, problems } = opened;
  if (problems.length > 0) {
    return { summary, tables: {}, objects: { artifacts: 0, checkpoints: 0, bytes: 0 }, problems };
  }
  await refuseUnlessRestorable(summary, target, options);
  const objects = await restoreObjects(target.store, dir, target.spoolDir, target.clock.now(), problems);
  const tables = await loadDatabase(target.db, dir, summary.tables, objects.versionIds, problems);
  return { summary, tables, objects: { artifacts: objects.artifacts, checkpoints: objects.checkpoints, bytes: objects.bytes }, problems };
}

async function refuseUnlessRestorable(summary: BackupSummary, target: RestoreTarget, options: RestoreOptions): Promise<void> {
  const level = await migrationLevel(target.db);
  if (level.hash !== summary.migration.hash) {
    throw new RestoreRefused(
      `the backup was taken at migration ${summary.migration.applied} (${summary.migration.hash.slice(0, 12)}), this Arkiv is at ${level.applied} (${level.hash.slice(0, 12)}): restore it with the Arkiv version that made it`,
    );
  }
  const [orgs] = await queryRows<{ n: number }>(target.db, sql`select count(*)::int as n from organizations`);
  if (Number(orgs?.n ?? 0) > 0) {
    throw new RestoreRefused(`the target database already holds ${orgs?.n} organization(s); restore only into a fresh database`);
  }
  for await (const v of target.store.listVersions('')) {
    throw new RestoreRefused(
      `the target ${target.store.kind} store already holds objects (e.g. ${v.key}); restore only into a fresh store`,
    );
  }
  const trusted = options.trustedAuditKeyIds;
  const untrusted = trusted ? summary.auditKeyIds.filter((k) => !trusted.includes(k)) : [];
  if (untrusted.length > 0) {
    throw new RestoreRefused(
      `the audit checkpoints were signed with key(s) ${untrusted.join(', ')}, which this installation does not use (${trusted?.join(', ')}): set ARKIV_AUDIT_SIGNING_KEY to the source's key, or the audit chain cannot verify`,
    );
  }
}
