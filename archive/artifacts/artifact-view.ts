import type { artifacts } from '../schema.js';

export type ArtifactRow = typeof artifacts.$inferSelect;

/** The public shape of an artifact (never the storage key or version id: those are internal). */
export function artifactView(row: ArtifactRow) {
  return {
    id: row.id,
    sha256: row.sha256,
    size: row.size,
    contentType: row.contentType,
    docClass: row.docClass,
    retention: { mode: row.retentionMode, retainUntil: row.retainUntil.toISOString() },
    legalHold: row.legalHold,
    createdAt: row.createdAt.toISOString(),
  };
}
export type ArtifactView = ReturnType<typeof artifactView>;
