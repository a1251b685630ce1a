import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ArchiveDeps } from '../../archive/deps.js';
import type { StoredResult } from '../../archive/extraction/fields.js';
import { storeExtraction } from '../../archive/extraction/store-extraction.js';
import { defineJob } from '../../archive/jobs/job-definition.js';
import { EXTRACT_DOCUMENT_JOB } from '../../archive/jobs/job-kinds.js';
import { artifacts } from '../../archive/schema.js';
import { inTenant } from '../../archive/tenancy.js';
import { EXTRACTOR_VERSION, ExtractionError, ExtractionPool } from '../../extract/index.js';
import { systemActor } from '../../policies/actor.js';

const NO_TEXT = { code: 'no_text', message: 'no text found on any page, neither in a text layer nor by OCR' };

/** Larger "certificates" are recorded as refused rather than read into memory for the worker. */
export const MAX_EXTRACT_BYTES = 256 * 1024 * 1024;

// One pool for the server's lifetime, started on the first extraction (a server that never sees
// a PDF never loads pdfjs or tesseract). One worker: the job runner runs one job at a time.
let pool: ExtractionPool | undefined;

/** Stops the pool's worker; serve.ts calls it at shutdown, after the job runner has stopped. */
export async function closeExtractionPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}

/**
 * Extracts an archived PDF from the stored bytes (read back by version and re-hashed, never the
 * upload) and records the result. A PDF the extractor cannot read (encrypted, malformed, too
 * slow, too big) is recorded as a failed extraction and the job succeeds: retrying a hostile
 * file only burns workers. Infrastructure failures (database, store) throw and are retried.
 */
export function extractDocumentJob() {
  return defineJob({
    kind: EXTRACT_DOCUMENT_JOB,
    version: 1,
    payload: z.object({ artifactId: z.uuid() }),
    async handle({ artifactId }, { orgId, deps, jobId }) {
      if (!orgId) throw new Error('extraction needs an organization');
      const actor = systemActor(orgId);
      const [row] = await inTenant(deps.db, actor, (tx) =>
        tx
          .select()
          .from(artifacts)
          .where(and(eq(artifacts.orgId, orgId), eq(artifacts.id, artifactId))),
      );
      if (!row) throw new Error(`artifact ${artifactId} not found`);
      if (row.disposedAt) return; // the bytes are gone by retention; nothing to read
      const base = { artifactId, jobId, extractorVersion: EXTRACTOR_VERSION };
      if (row.size > MAX_EXTRACT_BYTES) {
        await storeExtraction(deps, actor, { ...base, error: { code: 'too_large', message: `over ${MAX_EXTRACT_BYTES} bytes` } });
        return;
      }
      const bytes = await readStored(deps, row);
      try {
        pool ??= new ExtractionPool({ size: 1, timeoutMs: 120_000 });
        const { result, text } = await pool.extractWithText(bytes);
        const version = result.extractorVersion ?? EXTRACTOR_VERSION;
        // Nothing read on any page, by text layer or OCR: no fields can follow, so a person has to
        // look (the review queue lists failed extractions) rather than the file passing as empty.
        const outcome = text.trim() ? { result: result as unknown as StoredResult, text } : { error: NO_TEXT };
        await storeExtraction(deps, actor, { ...base, extractorVersion: version, ...outcome });
      } catch (err) {
        // pool_closed means the server is stopping: not the file's fault, so let the job retry.
        if (!(err instanceof ExtractionError) || err.code === 'pool_closed') throw err;
        await storeExtraction(deps, actor, { ...base, error: err.toJSON() });
      }
    },
  });
}

async function readStored(deps: ArchiveDeps, row: typeof artifacts.$inferSelect): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  for await (const chunk of await deps.store.open({ key: row.storageKey, versionId: row.versionId })) {
    const b = chunk as Buffer;
    hash.update(b);
    chunks.push(b);
  }
  // Extracting other bytes than the archived ones would file a wrong reading under this hash.
  if (hash.digest('hex') !== row.sha256) throw new Error(`stored bytes of ${row.sha256} do not match their hash`);
  return Buffer.concat(chunks);
}
