/**
 * The on-disk layout of a backup directory (`arkiv backup --out DIR`):
 *
 *   backup.json            summary: format, times, migration level, tables and row counts, RPO point
 *   database/<table>.jsonl one JSON object per row (Postgres' own `row_to_json`), in FK order
 *   objects.jsonl          the object manifest: every artifact and audit checkpoint the dump refers to
 *   objects/<sha256>       the object bytes (only with --with-objects), named by their hash
 *   SHA256SUMS             the SHA-256 of every other file, in `sha256sum -c` format
 *
 * The dump is engine-neutral text: Postgres prints each value with its own output function and
 * parses it back with the input function of the same column type on restore, so timestamps keep
 * their microseconds, bigints their digits and tsvectors, arrays and JSONB their exact value, on
 * PGlite and PostgreSQL alike.
 */
export const BACKUP_FORMAT = 'arkiv-backup/1';
export const SUMMARY_FILE = 'backup.json';
export const MANIFEST_FILE = 'objects.jsonl';
export const SUMS_FILE = 'SHA256SUMS';
export const tableFile = (table: string) => `database/${table}.jsonl`;
export const objectFile = (sha256: string) => `objects/${sha256}`;

export interface MigrationLevel {
  /** drizzle's hash of the last applied migration file. */
  hash: string;
  /** The migration's timestamp from the journal (milliseconds), for humans. */
  createdAt: number;
  applied: number;
}

export interface TableDump {
  name: string;
  rows: number;
  file: string;
}

export interface BackupSummary {
  format: typeof BACKUP_FORMAT;
  /** When the consistent snapshot was taken (the database's clock, inside the transaction). */
  snapshotAt: string;
  finishedAt: string;
  source: { database: 'pglite' | 'postgres'; store: 'filesystem' | 's3' };
  migration: MigrationLevel;
  /** In foreign-key order: restore inserts them in this order. */
  tables: TableDump[];
  organizations: number;
  objects: { artifacts: number; checkpoints: number; bytes: number; copied: boolean };
  /** Keys that signed the audit checkpoints; a verifying restore needs the target to trust them. */
  auditKeyIds: string[];
  rpo: RpoPoint;
  /** Objects that could not be backed up as they should be (e.g. their bytes no longer hash right). */
  problems: BackupProblem[];
}

/** The newest change the backup includes, and how far it lies before the snapshot. */
export interface RpoPoint {
  newestAuditEntryAt: string | null;
  newestRowAt: string | null;
  newestChangeAt: string | null;
  ageSeconds: number | null;
}

export interface BackupProblem {
  kind: string;
  message: string;
  objectKey?: string;
}

/** One object the database refers to, with everything needed to put it back under the same lock. */
export interface ManifestEntry {
  kind: 'artifact' | 'checkpoint';
  /** The row that refers to the object: artifacts.id or audit_checkpoints.id. */
  rowId: string;
  orgId: string;
  sha256: string;
  size: number;
  contentType: string;
  storageKey: string;
  versionId: string | null;
  retentionMode: 'COMPLIANCE' | 'GOVERNANCE';
  retainUntil: string;
  legalHold: boolean;
  /** Disposed after its retention: the row stays, the object is gone and is not restored. */
  disposed: boolean;
}
