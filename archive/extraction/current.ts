import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db.js';
import { extractions, fieldReviews } from '../schema.js';

export type ExtractionRow = typeof extractions.$inferSelect;
export type ReviewRow = typeof fieldReviews.$inferSelect;

/**
 * The extraction that speaks for an artifact: its newest successful one, else its newest failed
 * one. A failed re-extraction (a new extractor version tripping on an old file) must not hide a
 * reading a controller may already have reviewed.
 */
export async function currentExtraction(tx: Db, orgId: string, artifactId: string): Promise<ExtractionRow | null> {
  const mine = and(eq(extractions.orgId, orgId), eq(extractions.artifactId, artifactId));
  const newest = [desc(extractions.createdAt), desc(extractions.id)];
  const [ok] = await tx
    .select()
    .from(extractions)
    .where(and(mine, isNull(extractions.error)))
    .orderBy(...newest)
    .limit(1);
  if (ok) return ok;
  const [failed] = await tx
    .select()
    .from(extractions)
    .where(mine)
    .orderBy(...newest)
    .limit(1);
  return failed ?? null;
}

export function reviewsOf(tx: Db, extractionId: string): Promise<ReviewRow[]> {
  return tx
    .select()
    .from(fieldReviews)
    .where(eq(fieldReviews.extractionId, extractionId))
    .orderBy(asc(fieldReviews.createdAt), asc(fieldReviews.id));
}
