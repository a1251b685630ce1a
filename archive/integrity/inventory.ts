import { and, eq, inArray } from 'drizzle-orm';
import { systemActor } from '../../policies/actor.js';
import { checkpointPrefix } from '../audit/checkpoint.js';
import type { ArchiveDeps } from '../deps.js';
import { contentKey, type ListedVersion } from '../ports/blob-store.js';
import { artifacts } from '../schema.js';
import { inTenant } from '../tenancy.js';
import type { FindingSink } from './findings.js';

type ArtifactRow = typeof artifacts.$inferSelect;
/** S3 keeps retain-until dates to the second; a shorter date by less than this is the same date. */
const RETENTION_SLACK_MS = 1000;

/**
 * Reconciles what the store holds under the organization's prefix with the artifact rows: every
 * row's version must exist with its size and lock, and nothing else may be there. Only listings
 * and metadata here; the bytes are checked by the fixity pass. Holds the org's listing in memory
 * (one entry per version), which is fine up to a few million objects.
 */
export async function inventoryPass(
  deps: Pick<ArchiveDeps, 'db' | 'store'>,
  orgId: string,
  sink: FindingSink,
): Promise<{ objects: number; bytes: number }> {
  const rows = await inTenant(deps.db, systemActor(orgId), (tx) => tx.select().from(artifacts).where(eq(artifacts.orgId, orgId)));
  const listed = new Map<string, ListedVersion[]>();
  let objects = 0;
  let bytes = 0;
  for await (const v of deps.store.listVersions(`${orgId}/`)) {
    // Audit checkpoints are expected here; verifyAuditChain reads and checks them.
    if (v.key.startsWith(checkpointPrefix(orgId))) continue;
    listed.set(v.key, [...(listed.get(v.key) ?? []), v]);
    if (!v.isDeleteMarker) {
      objects += 1;
      bytes += v.size;
    }
  }
  for (const row of rows) {
    const versions = listed.get(row.storageKey) ?? [];
    listed.delete(row.storageKey);
    // A disposed artifact's object may linger until the store's lifecycle removes it: not a fault.
    if (!row.disposedAt) await checkArtifact(deps, row, versions, sink);
  }
  // An upload in flight when the rows were read: its object is listed, its row committed since.
  const leftover = [...listed.keys()];
  for (let i = 0; i < leftover.length; i += 500) {
    const keys = leftover.slice(i, i + 500);
    const late = await inTenant(deps.db, systemActor(orgId), (tx) =>
      tx
        .select({ key: artifacts.storageKey })
        .from(artifacts)
        .where(and(eq(artifacts.orgId, orgId), inArray(artifacts.storageKey, keys))),
    );
    for (const { key } of late) listed.delete(key);
  }
  for (const [key, versions] of listed) {
    for (const v of versions) {
      const what = v.isDeleteMarker ? 'a delete marker' : `an object of ${v.size} bytes`;
      await sink.add({
        kind: 'orphan_object',
        objectKey: key,
        versionId: v.versionId,
        message: `${what} at ${key} belongs to no artifact: written behind Arkiv's back`,
        details: { size: v.size, lastModified: v.lastModified?.toISOString() ?? null },
      });
      if (v.isDeleteMarker) continue;
      const info = await deps.store.stat({ key, versionId: v.versionId });
      if (info && !info.retention) {
        await sink.add({ kind: 'no_retention', objectKey: key, versionId: v.versionId, message: `object ${key} has no retention lock` });
      }
    }
  }
  return { objects, bytes };
}

async function checkArtifact(deps: Pick<ArchiveDeps, 'store'>, row: ArtifactRow, versions: ListedVersion[], sink: FindingSink) {
  const at = { artifactId: row.id, objectKey: row.storageKey, versionId: row.versionId };
  if (row.storageKey !== contentKey(row.orgId, row.sha256)) {
    await sink.add({
      ...at,
      kind: 'key_mismatch',
      message: `artifact ${row.id}: key ${row.storageKey} does not name its hash ${row.sha256}`,
    });
  }
  const own = versions.find((v) => !v.isDeleteMarker && v.versionId === row.versionId);
  if (!own) {
    // Other versions under the key are named in the details, not as findings of their own:
    // the fault is that the artifact's own version is gone.
    await sink.add({
      ...at,
      kind: 'missing_object',
      message: `artifact ${row.id}: its object ${row.storageKey}${row.versionId ? ` (version ${row.versionId})` : ''} is not in the store`,
      details: { otherVersions: versions.map((v) => ({ versionId: v.versionId, deleteMarker: v.isDeleteMarker })) },
    });
    return;
  }
  if (own.size !== row.size) {
    await sink.add({
      ...at,
      kind: 'size_mismatch',
      message: `artifact ${row.id}: the database says ${row.size} bytes, the store holds ${own.size}`,
    });
  }
  for (const v of versions) {
    if (v === own) continue;
    await sink.add({
      ...at,
      versionId: v.versionId,
      kind: v.isDeleteMarker ? 'delete_marker' : 'extra_version',
      message: v.isDeleteMarker
        ? `artifact ${row.id}: a delete marker hides ${row.storageKey} (the locked version is still there)`
        : `artifact ${row.id}: an unexpected version ${v.versionId ?? ''} of ${v.size} bytes under its content key`,
      details: { size: v.size, lastModified: v.lastModified?.toISOString() ?? null },
    });
  }
  const info = await deps.store.stat({ key: row.storageKey, versionId: row.versionId });
  if (!info?.retention) {
    await sink.add({ ...at, kind: 'no_retention', message: `artifact ${row.id}: its object has no retention lock` });
  } else if (info.retention.retainUntil.getTime() < row.retainUntil.getTime() - RETENTION_SLACK_MS) {
    await sink.add({
      ...at,
      kind: 'retention_short',
      message: `artifact ${row.id}: locked until ${info.retention.retainUntil.toISOString()}, must be until ${row.retainUntil.toISOString()}`,
    });
  }
  if (row.legalHold && !info?.legalHold) {
    await sink.add({
      ...at,
      kind: 'legal_hold_missing',
      message: `artifact ${row.id}: on legal hold in the database but not in the store`,
    });
  }
}
