import { and, asc, eq, gt, inArray, isNull, notExists } from 'drizzle-orm';
import type { Db } from '../archive/db.js';
import { effectiveFields, type StoredResult } from '../archive/extraction/fields.js';
import { artifacts, certificateRecords, documentRevisions, documents, extractions, fieldReviews, heatNumbers } from '../archive/schema.js';
import { gradeInfo } from './grades.js';
import { stripControl } from './highlight.js';
import type { SearchDocument } from './port.js';

/** Extracted text beyond this is not indexed (a 500-page scan must not make one entry huge). */
export const MAX_BODY_CHARS = 200_000;

export interface IndexTarget {
  documentIds?: readonly string[];
  artifactIds?: readonly string[];
}

export interface IndexChanges {
  upsert: SearchDocument[];
  /** Keys that must no longer exist: an artifact filed under a document, or gone by retention. */
  remove: string[];
}

/** What the search entries of an artifact say, from its current extraction with reviews applied. */
interface Reading {
  extractionId: string;
  docClass: string | null;
  certType: string | null;
  documentNumber: string | null;
  issueDate: string | null;
  poNumber: string | null;
  product: string | null;
  manufacturer: string | null;
  grade: string | null;
  materialStandards: string[];
  heatNumbers: string[];
  tagNumbers: string[];
  /** Other fields worth finding (purchaser, issuer, project …) and the extracted text. */
  body: string;
}

/**
 * Builds the search entries for a set of documents and artifacts from the archive: one entry
 * per document revision (older revisions marked superseded, never dropped) and one per artifact
 * that is filed under no document. Run it in the organization's tenant transaction.
 */
export async function buildEntries(tx: Db, orgId: string, target: IndexTarget): Promise<IndexChanges> {
  const artifactIds = [...new Set(target.artifactIds ?? [])];
  const filedUnder = artifactIds.length
    ? await tx
        .selectDistinct({ documentId: documentRevisions.documentId, artifactId: documentRevisions.artifactId })
        .from(documentRevisions)
        .where(and(eq(documentRevisions.orgId, orgId), inArray(documentRevisions.artifactId, artifactIds)))
    : [];
  const documentIds = [...new Set([...(target.documentIds ?? []), ...filedUnder.map((r) => r.documentId)])];
  const filed = new Set(filedUnder.map((r) => r.artifactId));
  const loose = artifactIds.filter((id) => !filed.has(id));

  const docs = documentIds.length
    ? await tx
        .select()
        .from(documents)
        .where(and(eq(documents.orgId, orgId), inArray(documents.id, documentIds)))
    : [];
  const revisions = docs.length
    ? await tx
        .select()
        .from(documentRevisions)
        .where(
          inArray(
            documentRevisions.documentId,
            docs.map((d) => d.id),
          ),
        )
        .orderBy(asc(documentRevisions.documentId), asc(documentRevisions.revisionNo))
    : [];
  const looseRows = loose.length
    ? await tx
        .select()
        .from(artifacts)
        .where(and(eq(artifacts.orgId, orgId), inArray(artifacts.id, loose)))
    : [];
  const readings = await readingsOf(tx, orgId, [...revisions.map((r) => r.artifactId), ...loose]);

  const upsert: SearchDocument[] = [];
  const remove = revisions.map((r) => `art:${r.artifactId}`);
  for (const doc of docs) {
    const own = revisions.filter((r) => r.documentId === doc.id);
    const newest = own.at(-1)?.revisionNo ?? 0;
    let inherited: Reading | undefined;
    for (const rev of own) {
      // A signed revision is the same certificate with a signature added: until its own
      // extraction exists, it is found by what the revision before it said.
      const reading = readings.get(rev.artifactId) ?? inherited;
      inherited = reading;
      upsert.push(
        entry(orgId, reading, {
          key: `rev:${doc.id}:${rev.revisionNo}`,
          customerId: doc.customerId,
          orderId: doc.orderId,
          documentId: doc.id,
          revisionNo: rev.revisionNo,
          artifactId: rev.artifactId,
          published: doc.published,
          superseded: rev.revisionNo < newest,
          docClass: doc.docClass,
          title: doc.title,
          exportControlled: doc.exportControlled,
        }),
      );
    }
  }
  for (const artifact of looseRows) {
    const reading = readings.get(artifact.id);
    if (artifact.disposedAt || !reading) {
      remove.push(`art:${artifact.id}`);
      continue;
    }
    const title = [reading.documentNumber, reading.product].filter(Boolean).join(' — ') || null;
    upsert.push(
      entry(orgId, reading, {
        key: `art:${artifact.id}`,
        customerId: null,
        orderId: null,
        documentId: null,
        revisionNo: null,
        artifactId: artifact.id,
        published: false,
        superseded: false,
        docClass: reading.docClass ?? artifact.docClass,
        title,
        exportControlled: false,
      }),
    );
  }
  return { upsert, remove };
}

type Placement = Pick<
  SearchDocument,
  | 'key'
  | 'customerId'
  | 'orderId'
  | 'documentId'
  | 'revisionNo'
  | 'artifactId'
  | 'published'
  | 'superseded'
  | 'docClass'
  | 'title'
  | 'exportControlled'
>;

function entry(orgId: string, reading: Reading | undefined, at: Placement): SearchDocument {
  const grade = gradeInfo(reading?.grade);
  return {
    ...at,
    orgId,
    extractionId: reading?.extractionId ?? null,
    certType: reading?.certType ?? null,
    documentNumber: reading?.documentNumber ?? null,
    poNumber: reading?.poNumber ?? null,
    grade: reading?.grade ?? null,
    gradeFamily: grade.family,
    gradeKeys: grade.keys,
    heatNumbers: reading?.heatNumbers ?? [],
    tagNumbers: reading?.tagNumbers ?? [],
    materialStandards: reading?.materialStandards ?? [],
    issueDate: reading?.issueDate ?? null,
    product: reading?.product ?? null,
    manufacturer: reading?.manufacturer ?? null,
    body: reading?.body ?? '',
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((s): s is string => s !== null) : []);

/** Readings of the given artifacts: the projection's typed columns plus what only the extraction holds. */
async function readingsOf(tx: Db, orgId: string, artifactIds: string[]): Promise<Map<string, Reading>> {
  const ids = [...new Set(artifactIds)];
  const readings = new Map<string, Reading>();
  if (ids.length === 0) return readings;
  const records = await tx
    .select({ record: certificateRecords, text: extractions.text, result: extractions.result })
    .from(certificateRecords)
    .innerJoin(extractions, eq(extractions.id, certificateRecords.extractionId))
    .where(and(eq(certificateRecords.orgId, orgId), inArray(certificateRecords.artifactId, ids)));
  if (records.length === 0) return readings;
  const heats = await tx
    .select({ artifactId: heatNumbers.artifactId, heat: heatNumbers.heatNumber })
    .from(heatNumbers)
    .where(
      and(
        eq(heatNumbers.orgId, orgId),
        inArray(
          heatNumbers.artifactId,
          records.map((r) => r.record.artifactId),
        ),
      ),
    );
  const reviews = await tx
    .select()
    .from(fieldReviews)
    .where(
      inArray(
        fieldReviews.extractionId,
        records.map((r) => r.record.extractionId),
      ),
    )
    .orderBy(asc(fieldReviews.createdAt), asc(fieldReviews.id));
  for (const { record, text, result } of records) {
    const fields = result
      ? effectiveFields(
          result as StoredResult,
          reviews.filter((r) => r.extractionId === record.extractionId),
        )
      : {};
    const items = Array.isArray(fields.items) ? (fields.items as Array<Record<string, unknown>>) : [];
    const extra = ['purchaser', 'issuer', 'customer', 'project', 'dimensions', 'inspector', 'signatoryName']
      .map((f) => str(fields[f]))
      .concat(
        strs(fields.specifications),
        items.flatMap((i) => [str(i.description), str(i.partNo)]),
      )
      .filter((s): s is string => s !== null);
    readings.set(record.artifactId, {
      extractionId: record.extractionId,
      docClass: record.docClass,
      certType: record.certType,
      documentNumber: record.documentNumber,
      issueDate: record.issueDate,
      poNumber: record.poNumber,
      product: record.product,
      manufacturer: record.manufacturer,
      grade: record.grade,
      materialStandards: record.materialStandards,
      heatNumbers: heats.filter((h) => h.artifactId === record.artifactId).map((h) => h.heat),
      tagNumbers: [...new Set(items.map((i) => str(i.tagNo)).filter((s): s is string => s !== null))],
      body: stripControl([extra.join(' · '), (text ?? '').slice(0, MAX_BODY_CHARS)].filter(Boolean).join('\n')),
    });
  }
  return readings;
}

/** One page of artifacts filed under no document, for reindexing (ordered by id, after `afterId`). */
export async function looseArtifactIds(tx: Db, orgId: string, afterId: string | null, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ id: artifacts.id })
    .from(artifacts)
    .where(
      and(
        eq(artifacts.orgId, orgId),
        isNull(artifacts.disposedAt),
        afterId ? gt(artifacts.id, afterId) : undefined,
        notExists(tx.select({ one: documentRevisions.id }).from(documentRevisions).where(eq(documentRevisions.artifactId, artifacts.id))),
      ),
    )
    .orderBy(asc(artifacts.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** One page of an organization's documents, for reindexing. */
export async function documentIdsPage(tx: Db, orgId: string, afterId: string | null, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.orgId, orgId), afterId ? gt(documents.id, afterId) : undefined))
    .orderBy(asc(documents.id))
    .limit(limit);
  return rows.map((r) => r.id);
}
