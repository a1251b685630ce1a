import { join } from 'node:path';
import { retainUntil, retentionRule } from '../../policies/retention.js';
import type { BlobStore } from '../ports/blob-store.js';
import { spoolHashed } from './copy-hashed.js';
import { type BackupProblem, MANIFEST_FILE, type ManifestEntry, objectFile, tableFile } from './format.js';
import { HashedFileWriter, type WrittenFile } from './hashed-file.js';
import { readJsonLines } from './jsonl.js';

/** Columns of the dumped rows, as `row_to_json` names them. */
interface ArtifactLine {
  id: string;
  org_id: string;
  sha256: string;
  size: number;
  content_type: string;
  storage_key: string;
  version_id: string | null;
  retention_mode: ManifestEntry['retentionMode'];
  retain_until: string;
  legal_hold: boolean;
  disposed_at: string | null;
}

interface CheckpointLine {
  id: string;
  org_id: string;
  key_id: string;
  object_key: string;
  version_id: string | null;
  created_at: string;
}

export interface ObjectsBackup {
  artifacts: number;
  checkpoints: number;
  bytes: number;
  auditKeyIds: string[];
  problems: BackupProblem[];
}

/**
 * Writes the object manifest from the dumped rows (so it describes exactly the snapshot) and, with
 * `copy`, the bytes of every object into `objects/<sha256>`, re-hashed as they stream out of the
 * store by version id: a damaged source object is named, not copied. Checkpoint objects are always
 * read (they are small) because their hash is not in the database.
 */
export async function backupObjects(store: BlobStore, dir: string, copy: boolean, files: Map<string, WrittenFile>): Promise<ObjectsBackup> {
  const manifest = await HashedFileWriter.create(join(dir, MANIFEST_FILE));
  const result: ObjectsBackup = { artifacts: 0, checkpoints: 0, bytes: 0, auditKeyIds: [], problems: [] };
  const keyIds = new Set<string>();
  try {
    for await (const a of readJsonLines<ArtifactLine>(join(dir, tableFile('artifacts')))) {
      const entry: ManifestEntry = {
        kind: 'artifact',
        rowId: a.id,
        orgId: a.org_id,
        sha256: a.sha256,
        size: Number(a.size),
        contentType: a.content_type,
        storageKey: a.storage_key,
        versionId: a.version_id,
        retentionMode: a.retention_mode,
        retainUntil: new Date(a.retain_until).toISOString(),
        legalHold: a.legal_hold,
        disposed: a.disposed_at !== null,
      };
      if (copy && !entry.disposed) await copyObject(store, dir, entry, files, result.problems);
      await manifest.write(`${JSON.stringify(entry)}\n`);
      result.artifacts += 1;
      if (!entry.disposed) result.bytes += entry.size;
    }
    for await (const c of readJsonLines<CheckpointLine>(join(dir, tableFile('audit_checkpoints')))) {
      keyIds.add(c.key_id);
      const entry = await checkpointEntry(store, dir, copy, c, files, result.problems);
      if (!entry) continue;
      await manifest.write(`${JSON.stringify(entry)}\n`);
      result.checkpoints += 1;
      result.bytes += entry.size;
    }
  } finally {
    files.set(MANIFEST_FILE, await manifest.close());
  }
  result.auditKeyIds = [...keyIds].sort();
  return result;
}

async function copyObject(store: BlobStore, dir: string, e: ManifestEntry, files: Map<string, WrittenFile>, problems: BackupProblem[]) {
  const file = objectFile(e.sha256);
  // The same bytes under two organizations are one file here: named by their hash, they are equal.
  if (files.has(file)) return;
  try {
    const got = await spoolHashed(await store.open({ key: e.storageKey, versionId: e.versionId }), join(dir, 'objects'));
    if (got.sha256 !== e.sha256) {
      await got.discard();
      problems.push({
        kind: 'source_object_damaged',
        objectKey: e.storageKey,
        message: `artifact ${e.rowId}: the stored object ${e.storageKey} hashes to ${got.sha256}, not ${e.sha256}; not copied`,
      });
      return;
    }
    await got.keep(join(dir, file));
    files.set(file, { sha256: got.sha256, bytes: got.size });
  } catch (err) {
    problems.push({ kind: 'source_object_unreadable', objectKey: e.storageKey, message: `artifact ${e.rowId}: ${messageOf(err)}` });
  }
}

async function checkpointEntry(
  store: BlobStore,
  dir: string,
  copy: boolean,
  c: CheckpointLine,
  files: Map<string, WrittenFile>,
  problems: BackupProblem[],
): Promise<ManifestEntry | null> {
  const ref = { key: c.object_key, versionId: c.version_id };
  try {
    const info = await store.stat(ref);
    if (!info) throw new Error(`its object ${c.object_key} is not in the store`);
    // Read in full either way: a checkpoint's hash is not in the database.
    const got = await spoolHashed(await store.open(ref), join(dir, 'objects'));
    const file = objectFile(got.sha256);
    if (copy && !files.has(file)) {
      await got.keep(join(dir, file));
      files.set(file, { sha256: got.sha256, bytes: got.size });
    } else {
      await got.discard();
    }
    return {
      kind: 'checkpoint',
      rowId: c.id,
      orgId: c.org_id,
      sha256: got.sha256,
      size: got.size,
      contentType: 'application/json',
      storageKey: c.object_key,
      versionId: c.version_id,
      // The store's lock is the authority for checkpoints (they have no retention columns).
      retentionMode: info.retention?.mode ?? retentionRule('audit_checkpoint').mode,
      retainUntil: (info.retention?.retainUntil ?? retainUntil('audit_checkpoint', new Date(c.created_at))).toISOString(),
      legalHold: info.legalHold,
      disposed: false,
    };
  } catch (err) {
    problems.push({ kind: 'source_object_unreadable', objectKey: c.object_key, message: `audit checkpoint ${c.id}: ${messageOf(err)}` });
    return null;
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
