import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { Db } from '../db.js';
import type { BlobStore } from '../ports/blob-store.js';
import { backupObjects } from './backup-objects.js';
import { dumpDatabase } from './dump-database.js';
import { BACKUP_FORMAT, type BackupSummary, SUMMARY_FILE, SUMS_FILE } from './format.js';
import { HashedFileWriter } from './hashed-file.js';

export interface BackupInput {
  db: Db;
  databaseKind: 'pglite' | 'postgres';
  store: BlobStore;
  out: string;
  /** Also copy every object's bytes into `objects/` (needed to restore into a fresh store). */
  withObjects: boolean;
  now: () => Date;
}

export interface BackupResult {
  dir: string;
  summary: BackupSummary;
  /** SHA-256 of SHA256SUMS: record it elsewhere, and the whole backup can be checked against it. */
  sumsSha256: string;
}

/** Writes a backup of the database and the object manifest (and, if asked, the objects) into `out`. */
export async function createBackup(input: BackupInput): Promise<BackupResult> {
  await mkdir(input.out, { recursive: true });
  if ((await readdir(input.out)).length > 0) {
    // Never mix two backups: a stale file would be listed in neither's checksums, or in the wrong one.
    throw new AppError('conflict', `${input.out} is not empty; back up into a new directory`);
  }
  const dump = await dumpDatabase(input.db, input.out);
  const objects = await backupObjects(input.store, input.out, input.withObjects, dump.files);
  const newest = dump.rpo.newestChangeAt;
  const summary: BackupSummary = {
    format: BACKUP_FORMAT,
    snapshotAt: dump.snapshotAt,
    finishedAt: input.now().toISOString(),
    source: { database: input.databaseKind, store: input.store.kind },
    migration: dump.migration,
    tables: dump.tables,
    organizations: dump.organizations,
    objects: { artifacts: objects.artifacts, checkpoints: objects.checkpoints, bytes: objects.bytes, copied: input.withObjects },
    auditKeyIds: objects.auditKeyIds,
    rpo: {
      ...dump.rpo,
      ageSeconds: newest ? Math.max(0, (Date.parse(dump.snapshotAt) - Date.parse(newest)) / 1000) : null,
    },
    problems: objects.problems,
  };
  const summaryFile = await HashedFileWriter.create(join(input.out, SUMMARY_FILE));
  await summaryFile.write(`${JSON.stringify(summary, null, 2)}\n`);
  dump.files.set(SUMMARY_FILE, await summaryFile.close());
  const sums = [...dump.files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, { sha256 }]) => `${sha256}  ${file}\n`)
    .join('');
  await writeFile(join(input.out, SUMS_FILE), sums, { mode: 0o600, flag: 'wx' });
  return { dir: input.out, summary, sumsSha256: createHash('sha256').update(sums).digest('hex') };
}
