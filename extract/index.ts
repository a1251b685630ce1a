/** Public API of extract/: bytes in, typed extraction result out. A leaf: imports nothing of ours. */
import type { ExtractionOutput, ExtractOptions } from './extract-in-process.js';
import { ExtractionPool } from './pool/extraction-pool.js';
import type { ExtractionResult } from './types.js';

export type { ExtractionOutput, ExtractOptions } from './extract-in-process.js';
export { ExtractionError, type ExtractionErrorCode } from './pool/extraction-error.js';
export { ExtractionPool, type PoolOptions } from './pool/extraction-pool.js';
export * from './types.js';
export { EXTRACTOR_VERSION } from './version.js';

/**
 * Extracts one document, isolated in a worker thread. Pass the server's long-lived pool; without
 * one, a single-worker pool is started for this call and closed after it.
 */
export async function extractDocument(
  bytes: Uint8Array,
  options: ExtractOptions & { pool?: ExtractionPool } = {},
): Promise<ExtractionResult> {
  return (await extractDocumentWithText(bytes, options)).result;
}

/** As extractDocument, with the document's plain text beside the result. */
export async function extractDocumentWithText(
  bytes: Uint8Array,
  options: ExtractOptions & { pool?: ExtractionPool } = {},
): Promise<ExtractionOutput> {
  const { pool, ...rest } = options;
  if (pool) return pool.extractWithText(bytes, rest);
  const own = new ExtractionPool({ size: 1 });
  try {
    return await own.extractWithText(bytes, rest);
  } finally {
    await own.close();
  }
}
