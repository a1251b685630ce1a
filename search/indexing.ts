import { sql } from 'drizzle-orm';
import { lockKey } from '../archive/adapters/database.js';
import { type Db, queryRows } from '../archive/db.js';
import { inSystem, inTenant } from '../archive/tenancy.js';
import { buildEntries, documentIdsPage, type IndexTarget, looseArtifactIds } from './index-builder.js';
import type { SearchIndex } from './port.js';

/**
 * The index to write through, given the transaction the entries were read in. The Postgres index
 * writes in that same transaction; an external engine ignores it. Either way the write happens
 * while the entries' locks are held, so two indexers never store an older reading over a newer one.
 */
export type SearchIndexFor = (tx: Db) => SearchIndex;

export interface IndexCounts {
  upserted: number;
  removed: number;
}

/** Re-reads the given documents and artifacts of one organization and writes their entries. */
export function indexTargets(db: Db, indexFor: SearchIndexFor, orgId: string, target: IndexTarget): Promise<IndexCounts> {
  return inTenant(db, { orgId, customerId: null }, async (tx) => {
    const ids = [...(target.documentIds ?? []), ...(target.artifactIds ?? [])].sort();
    for (const id of new Set(ids)) await lockKey(tx, `arkiv:search:${orgId}:${id}`);
    const changes = await buildEntries(tx, orgId, target);
    const index = indexFor(tx);
    await index.remove(orgId, changes.remove);
    await index.upsert(changes.upsert);
    return { upserted: changes.upsert.length, removed: changes.remove.length };
  });
}

export interface ReindexSummary {
  organizations: number;
  documents: number;
  looseArtifacts: number;
  entries: number;
  removed: number;
  ms: number;
}

/**
 * Rebuilds every entry of one organization (or all) through the same builder the jobs use, in
 * batches, each its own transaction. Safe while servers run: the entry locks order it with the
 * indexing jobs.
 */
export async function reindex(db: Db, indexFor: SearchIndexFor, options: { orgId?: string; batch?: number } = {}): Promise<ReindexSummary> {
  const started = performance.now();
  const batch = options.batch ?? 200;
  const orgIds = options.orgId
    ? [options.orgId]
    : (await inSystem(db, (tx) => queryRows<{ id: string }>(tx, sql`select id::text as id from organizations order by id`))).map(
        (r) => r.id,
      );
  const summary: ReindexSummary = { organizations: orgIds.length, documents: 0, looseArtifacts: 0, entries: 0, removed: 0, ms: 0 };
  await indexFor(db).prepare();
  for (const orgId of orgIds) {
    const tenant = { orgId, customerId: null };
    for (const [pageOf, field] of [
      [documentIdsPage, 'documentIds'],
      [looseArtifactIds, 'artifactIds'],
    ] as const) {
      let after: string | null = null;
      for (;;) {
        const ids: string[] = await inTenant(db, tenant, (tx) => pageOf(tx, orgId, after, batch));
        if (ids.length === 0) break;
        const counts = await indexTargets(db, indexFor, orgId, { [field]: ids });
        if (field === 'documentIds') summary.documents += ids.length;
        else summary.looseArtifacts += ids.length;
        summary.entries += counts.upserted;
        summary.removed += counts.removed;
        after = ids.at(-1) ?? null;
      }
    }
  }
  summary.ms = Math.round(performance.now() - started);
  return summary;
}
