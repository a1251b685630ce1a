import { eq } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import type { Db } from '../db.js';
import { certificateRecords, type extractions, heatNumbers } from '../schema.js';
import { effectiveFields, isIsoDate, type ReviewLike, type StoredResult, WHOLE_EXTRACTION } from './fields.js';

type ExtractionRow = typeof extractions.$inferSelect;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : []);

/**
 * Rewrites the promoted columns of one artifact from its current extraction and that
 * extraction's reviews. The projection is replaced, not versioned: the evidence (extraction and
 * reviews) is append-only elsewhere, and a single current row per artifact means a heat-number
 * search can never hit a value a controller has since corrected. Call it under the artifact's
 * extraction lock, in the transaction that added the extraction or review.
 */
export async function rebuildProjection(tx: Db, extraction: ExtractionRow, reviews: readonly ReviewLike[]): Promise<void> {
  const result = extraction.result as StoredResult | null;
  // A failed extraction projects only what a controller entered by hand; with nothing entered
  // there is nothing to promote.
  if (!result && reviews.every((r) => r.field === WHOLE_EXTRACTION)) return;
  const f = effectiveFields(result, reviews);
  const values = {
    orgId: extraction.orgId,
    extractionId: extraction.id,
    docClass: result?.docClass ?? null,
    certType: result?.certType ?? null,
    documentNumber: text(f.documentNumber),
    issueDate: isIsoDate(f.issueDate) ? f.issueDate : null,
    manufacturer: text(f.manufacturer),
    purchaser: text(f.purchaser),
    poNumber: text(f.poNumber),
    product: text(f.product),
    grade: text(f.grade),
    materialStandards: texts(f.materialStandards),
    updatedAt: new Date(),
  };
  await tx.delete(heatNumbers).where(eq(heatNumbers.artifactId, extraction.artifactId));
  await tx
    .insert(certificateRecords)
    .values({ artifactId: extraction.artifactId, ...values })
    .onConflictDoUpdate({ target: certificateRecords.artifactId, set: values });
  const heats = [...new Set(texts(f.heatNumbers))];
  if (heats.length === 0) return;
  await tx.insert(heatNumbers).values(
    heats.map((heatNumber) => ({
      id: newId(),
      orgId: extraction.orgId,
      extractionId: extraction.id,
      artifactId: extraction.artifactId,
      heatNumber,
    })),
  );
}
