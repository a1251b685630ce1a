import type { Readable } from 'node:stream';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { inTenant } from '../tenancy.js';
import { type ArtifactRow, artifactView } from './artifact-view.js';
import { requireArtifactFor } from './find-artifact.js';

export interface ByteRange {
  start: number;
  end: number;
}

/** Metadata of an artifact; every look is audited (HEAD tells the caller the file exists). */
export async function describeArtifact(deps: ArchiveDeps, actor: Actor, sha256: string) {
  const row = await loadReadable(deps, actor, sha256);
  await inTenant(deps.db, actor, (tx) =>
    appendAudit(tx, deps.clock, actor, { action: 'artifact.head', targetType: 'artifact', targetId: sha256 }),
  );
  return { row, view: artifactView(row) };
}

/**
 * Opens the bytes of an artifact for download, by the exact stored version. The read is audited
 * before the first byte leaves, so there is no unrecorded download.
 */
export async function readArtifact(
  deps: ArchiveDeps,
  actor: Actor,
  sha256: string,
  /** Turns the client's Range request into bytes once the size is known. */
  resolveRange?: (size: number) => ByteRange | undefined,
): Promise<{ row: ArtifactRow; stream: Readable; range: ByteRange | undefined }> {
  const row = await loadReadable(deps, actor, sha256);
  const range = resolveRange?.(row.size);
  if (range && (range.start > range.end || range.end >= row.size)) {
    throw new AppError('range_not_satisfiable', 'the requested range is outside the file');
  }
  await inTenant(deps.db, actor, (tx) =>
    appendAudit(tx, deps.clock, actor, {
      action: 'artifact.read',
      targetType: 'artifact',
      targetId: sha256,
      details: range ? { range: [range.start, range.end] } : {},
    }),
  );
  const stream = await deps.store.open({ key: row.storageKey, versionId: row.versionId }, range);
  return { row, stream, range };
}

function loadReadable(deps: ArchiveDeps, actor: Actor, sha256: string): Promise<ArtifactRow> {
  return requireArtifactFor(deps, actor, sha256, 'artifact.read');
}
