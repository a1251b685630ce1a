import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../ports/blob-store.js';
import { spoolHashed } from './copy-hashed.js';
import { MANIFEST_FILE, type ManifestEntry, objectFile } from './format.js';
import { readJsonLines } from './jsonl.js';
import type { RestoreProblem } from './read-backup.js';

export interface RestoredObjects {
  /** Row id (artifact or checkpoint) → the version id the target store gave its object. */
  versionIds: Map<string, string | null>;
  artifacts: number;
  checkpoints: number;
  bytes: number;
}

/**
 * Puts every object of the manifest into the target store under its own key, with its retention
 * and legal hold. Each file is spooled and re-hashed on the way (the store re-hashes again: S3 by
 * reading the version back); bytes that do not hash to the manifest's SHA-256 are never stored,
 * and the problem names the object. Other objects carry on, so one run names every damage.
 */
export async function restoreObjects(
  store: BlobStore,
  dir: string,
  spoolDir: string,
  now: Date,
  problems: RestoreProblem[],
): Promise<RestoredObjects> {
  const result: RestoredObjects = { versionIds: new Map(), artifacts: 0, checkpoints: 0, bytes: 0 };
  for await (const e of readJsonLines<ManifestEntry>(join(dir, MANIFEST_FILE))) {
    if (e.disposed) continue;
    const file = objectFile(e.sha256);
    const what = `${e.kind} ${e.rowId} (${e.storageKey})`;
    if (!(await stat(join(dir, file)).catch(() => null))) {
      problems.push({
        kind: 'backup_object_missing',
        file,
        rowId: e.rowId,
        objectKey: e.storageKey,
        message: `${file} for ${what} is not in the backup (was it taken with --with-objects?)`,
      });
      continue;
    }
    const spooled = await spoolHashed(createReadStream(join(dir, file)), spoolDir);
    if (spooled.sha256 !== e.sha256) {
      await spooled.discard();
      problems.push({
        kind: 'backup_object_damaged',
        file,
        rowId: e.rowId,
        objectKey: e.storageKey,
        message: `${file} for ${what} is damaged: its bytes hash to ${spooled.sha256}; not restored`,
      });
      continue;
    }
    const ref = await store.put(
      { path: spooled.path, size: spooled.size, sha256: spooled.sha256 },
      {
        key: e.storageKey,
        contentType: e.contentType,
        retention: { mode: e.retentionMode, retainUntil: lockUntil(e.retainUntil, now) },
      },
    );
    if (e.legalHold) await store.setLegalHold(ref, true);
    result.versionIds.set(e.rowId, ref.versionId);
    if (e.kind === 'artifact') result.artifacts += 1;
    else result.checkpoints += 1;
    result.bytes += e.size;
  }
  return result;
}

/**
 * The object's own retain-until date. One that has already passed (a restore long after the
 * backup) cannot be set on S3, so such an object is locked for one more day: retention may only
 * ever be extended, and the row's date stays what it was.
 */
function lockUntil(retainUntil: string, now: Date): Date {
  const until = new Date(retainUntil);
  const floor = new Date(now.getTime() + 86_400_000);
  return until.getTime() > now.getTime() ? until : floor;
}
