import type { documentRevisions, documents } from '../schema.js';

export type DocumentRow = typeof documents.$inferSelect;
export type RevisionRow = typeof documentRevisions.$inferSelect;

export function documentView(doc: DocumentRow, revisions: Array<RevisionRow & { sha256: string; size: number }>) {
  return {
    id: doc.id,
    docClass: doc.docClass,
    title: doc.title,
    customerId: doc.customerId,
    orderId: doc.orderId,
    published: doc.published,
    exportControlled: doc.exportControlled,
    createdAt: doc.createdAt.toISOString(),
    currentRevision: revisions.at(-1)?.revisionNo ?? 0,
    revisions: revisions.map((r) => ({
      revisionNo: r.revisionNo,
      artifactSha256: r.sha256,
      size: r.size,
      note: r.note,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
export type DocumentView = ReturnType<typeof documentView>;
