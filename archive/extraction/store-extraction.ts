import { eq } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { lockKey } from '../adapters/database.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { artifacts, extractions } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { minConfidence, type StoredResult } from './fields.js';
import { rebuildProjection } from './projection.js';

export interface ExtractionOutcome {
  artifactId: string;
  jobId: string | null;
  extractorVersion: string;
  result?: StoredResult | undefined;
  error?: { code: string; message: string } | undefined;
}

/** Serialises everything that rewrites one artifact's projection (new extraction, new review). */
export const extractionLock = (orgId: string, artifactId: string) => `arkiv:extraction:${orgId}:${artifactId}`;

/**
 * Records what the extractor said about an artifact — a result or the reason it failed — and
 * promotes its fields, in one transaction with the audit entry. Idempotent per job: a job that
 * is run again after a crash between commit and completion stores nothing new.
 */
export async function storeExtraction(deps: Pick<ArchiveDeps, 'db' | 'clock'>, actor: Actor, outcome: ExtractionOutcome) {
  return inTenant(deps.db, actor, async (tx) => {
    await lockKey(tx, extractionLock(actor.orgId, outcome.artifactId));
    if (outcome.jobId) {
      const [done] = await tx.select().from(extractions).where(eq(extractions.jobId, outcome.jobId));
      if (done) return done;
    }
    const [artifact] = await tx.select({ sha256: artifacts.sha256 }).from(artifacts).where(eq(artifacts.id, outcome.artifactId));
    if (!artifact) throw new Error(`artifact ${outcome.artifactId} not found`);
    const result = outcome.error ? null : (outcome.result ?? null);
    const [row] = await tx
      .insert(extractions)
      .values({
        id: newId(),
        orgId: actor.orgId,
        artifactId: outcome.artifactId,
        jobId: outcome.jobId,
        extractorVersion: outcome.extractorVersion,
        docClass: result?.docClass ?? null,
        certType: result?.certType ?? null,
        source: result?.source ?? null,
        minConfidence: result ? minConfidence(result) : null,
        result,
        error: outcome.error ?? (result ? null : { code: 'internal', message: 'no result' }),
        createdAt: deps.clock.now(),
      })
      .returning();
    if (!row) throw new Error('extraction insert returned nothing');
    // A new reading starts without reviews: reviews belong to the extraction they looked at.
    await rebuildProjection(tx, row, []);
    await appendAudit(tx, deps.clock, actor, {
      action: 'extraction.store',
      targetType: 'artifact',
      targetId: artifact.sha256,
      outcome: row.error ? 'failure' : 'success',
      details: {
        extractionId: row.id,
        extractorVersion: row.extractorVersion,
        docClass: row.docClass,
        minConfidence: row.minConfidence,
        ...(outcome.error ? { error: outcome.error.code } : {}),
      },
    });
    return row;
  });
}
