import { and, asc, eq, max } from 'drizzle-orm';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { type DocumentClass, isDocumentClass } from '../../policies/retention.js';
import { authorize } from '../access.js';
import { appendAudit } from '../audit/append.js';
import { requireCustomer } from '../customers/customers.js';
import { findOrder } from '../customers/orders.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { SEARCH_INDEX_JOB } from '../jobs/job-kinds.js';
import { enqueueJob } from '../jobs/queue.js';
import { afterCursor, newestFirst, type Page, toPage } from '../pagination.js';
import { artifacts, documentRevisions, documents } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { attachArtifact } from './attach-artifact.js';
import { type DocumentRow, documentView } from './document-view.js';

export interface CreateDocumentInput {
  artifactSha256: string;
  docClass: DocumentClass;
  title: string;
  customerId?: string | undefined;
  orderId?: string | undefined;
  exportControlled?: boolean | undefined;
}

export async function createDocument(deps: ArchiveDeps, actor: Actor, input: CreateDocumentInput) {
  await authorize(deps, actor, 'document.create', 'document');
  let customerId = input.customerId ?? null;
  if (input.orderId) {
    const order = await inTenant(deps.db, actor, (tx) => findOrder(tx, actor.orgId, input.orderId as string));
    if (!order) throw new AppError('validation_failed', 'the order does not exist');
    if (customerId && customerId !== order.customerId) {
      throw new AppError('validation_failed', 'the order belongs to a different customer');
    }
    customerId = order.customerId;
  } else if (customerId) {
    await inTenant(deps.db, actor, (tx) => requireCustomer(tx, actor.orgId, customerId as string)).catch(() => {
      throw new AppError('validation_failed', 'the customer does not exist');
    });
  }
  return inTenant(deps.db, actor, async (tx) => {
    const artifact = await attachArtifact(deps, tx, actor, input.artifactSha256, input.docClass);
    const [doc] = (await tx
      .insert(documents)
      .values({
        id: newId(),
        orgId: actor.orgId,
        customerId,
        orderId: input.orderId ?? null,
        docClass: input.docClass,
        title: input.title,
        exportControlled: input.exportControlled ?? false,
        createdBy: actor.userId,
      })
      .returning()) as [DocumentRow];
    await tx.insert(documentRevisions).values({
      id: newId(),
      orgId: actor.orgId,
      documentId: doc.id,
      revisionNo: 1,
      artifactId: artifact.id,
      createdBy: actor.userId,
    });
    await appendAudit(tx, deps.clock, actor, {
      action: 'document.create',
      targetType: 'document',
      targetId: doc.id,
      details: { docClass: doc.docClass, artifact: artifact.sha256, customerId, orderId: doc.orderId },
    });
    await enqueueJob(tx, { kind: SEARCH_INDEX_JOB, orgId: actor.orgId, payload: { documentId: doc.id } });
    return loadView(tx, doc);
  });
}

export async function addRevision(
  deps: ArchiveDeps,
  actor: Actor,
  documentId: string,
  input: { artifactSha256: string; note?: string | undefined },
) {
  const doc = await loadInScope(deps, actor, documentId);
  await authorize(deps, actor, 'document.create', 'document', scopeOf(doc), { type: 'document', id: documentId });
  return inTenant(deps.db, actor, async (tx) => {
    // Lock the document row so concurrent revisions get consecutive numbers.
    await tx.select({ id: documents.id }).from(documents).where(eq(documents.id, doc.id)).for('update');
    const artifact = await attachArtifact(deps, tx, actor, input.artifactSha256, doc.docClass as DocumentClass);
    const [last] = await tx
      .select({ n: max(documentRevisions.revisionNo) })
      .from(documentRevisions)
      .where(eq(documentRevisions.documentId, doc.id));
    const revisionNo = (last?.n ?? 0) + 1;
    await tx.insert(documentRevisions).values({
      id: newId(),
      orgId: actor.orgId,
      documentId: doc.id,
      revisionNo,
      artifactId: artifact.id,
      note: input.note ?? null,
      createdBy: actor.userId,
    });
    await appendAudit(tx, deps.clock, actor, {
      action: 'document.revise',
      targetType: 'document',
      targetId: doc.id,
      details: { revisionNo, artifact: artifact.sha256 },
    });
    await enqueueJob(tx, { kind: SEARCH_INDEX_JOB, orgId: actor.orgId, payload: { documentId: doc.id } });
    return loadView(tx, doc);
  });
}

/** Reads of documents that belong to a customer are audited: they are that customer's records. */
export async function getDocument(deps: ArchiveDeps, actor: Actor, documentId: string) {
  const doc = await loadInScope(deps, actor, documentId);
  await authorize(deps, actor, 'document.read', 'document', scopeOf(doc), { type: 'document', id: documentId });
  if (doc.customerId) {
    await inTenant(deps.db, actor, (tx) =>
      appendAudit(tx, deps.clock, actor, { action: 'document.read', targetType: 'document', targetId: doc.id }),
    );
  }
  return inTenant(deps.db, actor, (tx) => loadView(tx, doc));
}

export async function listDocuments(
  deps: ArchiveDeps,
  actor: Actor,
  opts: { cursor?: string | undefined; limit: number; orderId?: string | undefined; docClass?: string | undefined },
): Promise<
  Page<{
    id: string;
    title: string;
    docClass: string;
    customerId: string | null;
    orderId: string | null;
    published: boolean;
    createdAt: string;
  }>
> {
  await authorize(deps, actor, 'document.read', 'document');
  if (opts.docClass && !isDocumentClass(opts.docClass)) throw new AppError('validation_failed', 'unknown document class');
  const rows = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(documents)
      .where(
        and(
          eq(documents.orgId, actor.orgId),
          actor.customerId ? and(eq(documents.customerId, actor.customerId), eq(documents.published, true)) : undefined,
          opts.orderId ? eq(documents.orderId, opts.orderId) : undefined,
          actor.orderId ? eq(documents.orderId, actor.orderId) : undefined,
          // Without clearance, export-controlled documents are not merely hidden: they are absent.
          actor.exportClearance ? undefined : eq(documents.exportControlled, false),
          opts.docClass ? eq(documents.docClass, opts.docClass) : undefined,
          afterCursor(documents.createdAt, documents.id, opts.cursor),
        ),
      )
      .orderBy(...newestFirst(documents.createdAt, documents.id))
      .limit(opts.limit + 1),
  );
  const page = toPage(rows, opts.limit);
  return {
    items: page.items.map((d) => ({
      id: d.id,
      title: d.title,
      docClass: d.docClass,
      customerId: d.customerId,
      orderId: d.orderId,
      published: d.published,
      createdAt: d.createdAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}

const scopeOf = (doc: DocumentRow) => ({
  orgId: doc.orgId,
  customerId: doc.customerId,
  orderId: doc.orderId,
  published: doc.published,
  exportControlled: doc.exportControlled,
});

async function loadInScope(deps: ArchiveDeps, actor: Actor, id: string): Promise<DocumentRow> {
  const [doc] = await inTenant(deps.db, actor, (tx) =>
    tx
      .select()
      .from(documents)
      .where(and(eq(documents.orgId, actor.orgId), eq(documents.id, id))),
  );
  if (!doc) throw notFound('document');
  return doc;
}

async function loadView(db: Db, doc: DocumentRow) {
  const revisions = await db
    .select({ revision: documentRevisions, sha256: artifacts.sha256, size: artifacts.size })
    .from(documentRevisions)
    .innerJoin(artifacts, eq(artifacts.id, documentRevisions.artifactId))
    .where(eq(documentRevisions.documentId, doc.id))
    .orderBy(asc(documentRevisions.revisionNo));
  return documentView(
    doc,
    revisions.map((r) => ({ ...r.revision, sha256: r.sha256, size: r.size })),
  );
}

/**
 * Releases a document to its customer (customer users see published documents only). Publishing
 * is one-way: a published record may be superseded by a new revision, never withdrawn silently.
 */
export async function publishDocument(deps: ArchiveDeps, actor: Actor, documentId: string) {
  const doc = await loadInScope(deps, actor, documentId);
  await authorize(deps, actor, 'book.publish', 'document', scopeOf(doc), { type: 'document', id: documentId });
  if (!doc.customerId) throw new AppError('validation_failed', 'only a document that belongs to a customer can be published');
  return inTenant(deps.db, actor, async (tx) => {
    const [updated] = (await tx.update(documents).set({ published: true }).where(eq(documents.id, doc.id)).returning()) as [DocumentRow];
    if (!doc.published) {
      await appendAudit(tx, deps.clock, actor, { action: 'document.publish', targetType: 'document', targetId: doc.id });
      await enqueueJob(tx, { kind: SEARCH_INDEX_JOB, orgId: actor.orgId, payload: { documentId: doc.id } });
    }
    return loadView(tx, updated);
  });
}
