import { eq } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../policies/actor.js';
import { lockKey } from '../adapters/database.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { SEARCH_INDEX_JOB } from '../jobs/job-kinds.js';
import { enqueueJob } from '../jobs/queue.js';
import { artifacts, extractions } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { carryReviews } from './carry-reviews.js';
import { currentExtraction } from './current.js';
import { minConfidence, type StoredResult } from './fields.js';
import { rebuildProjection } from './projection.js';

export interface ExtractionOutcome {
  artifactId: string;
  jobId: string | null;
  extractorVersion: string;
  result?: StoredResult | undefined;
  error?: { code: string; message: string } | undefined;
  /** The document's plain text as read, for full-text search; stored capped (see `capText`). */
  text?: string | undefined;
}

/**
 * Most text kept per extraction, in UTF-8 bytes: 1 MiB is some 300 dense pages, more than any
 * certificate or ITP; a longer text (a whole record book scanned as one file) is cut there, so
 * one upload cannot bloat every search row and query.
 */
export const MAX_TEXT_BYTES = 1024 * 1024;

/** The text cut at MAX_TEXT_BYTES on a character boundary, without NULs (PostgreSQL text refuses them). */
export function capText(text: string): string {
  const clean = text.replaceAll('\u0000', '');
  const buffer = new Uint8Array(Math.min(MAX_TEXT_BYTES, clean.length * 3));
  // encodeInto writes whole characters only, so the cut never splits one.
  const { written } = new TextEncoder().encodeInto(clean, buffer);
  return new TextDecoder().decode(buffer.subarray(0, written));
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
    const previous = await currentExtraction(tx, actor.orgId, outcome.artifactId);
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
        text: result && outcome.text !== undefined ? capText(outcome.text) : null,
        createdAt: deps.clock.now(),
      })
      .returning();
    if (!row) throw new Error('extraction insert returned nothing');
    // A reading speaks for the artifact unless it failed where an earlier one succeeded: a new
    // extractor version tripping on an old file must not hide a good, perhaps reviewed, reading.
    const becomesCurrent = row.result !== null || previous === null || previous.result === null;
    if (becomesCurrent) {
      const carried = previous ? await carryReviews(tx, deps.clock, actor, { previous, next: row, artifactSha256: artifact.sha256 }) : [];
      await rebuildProjection(tx, row, carried);
      await enqueueJob(tx, { kind: SEARCH_INDEX_JOB, orgId: actor.orgId, payload: { artifactId: outcome.artifactId } });
    }
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
