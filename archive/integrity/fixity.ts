import { and, asc, eq, gt, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { systemActor } from '../../policies/actor.js';
import type { ArchiveDeps } from '../deps.js';
import { artifacts } from '../schema.js';
import { inTenant } from '../tenancy.js';
import type { FindingSink } from './findings.js';
import type { HashPool } from './hash-pool.js';

type ArtifactRow = typeof artifacts.$inferSelect;

export interface FixityOptions {
  orgId: string;
  /** Artifacts verified at or after this instant (by this run, before a crash) are not re-read. */
  startedAt: Date;
  afterId: string | null;
  /** Rolling slice: only this extra condition's artifacts (plus overdue ones; see slice.ts). */
  filter?: SQL;
  batchSize: number;
  signal?: AbortSignal;
  /** After each batch: where to resume from, and what was done. */
  onBatch(state: { afterId: string; objects: number; bytes: number }): Promise<void>;
}

/** Candidates still to verify in this run, for progress totals and ETA. */
export async function fixityTotals(deps: Pick<ArchiveDeps, 'db'>, o: Pick<FixityOptions, 'orgId' | 'startedAt' | 'afterId' | 'filter'>) {
  const [row] = await inTenant(deps.db, systemActor(o.orgId), (tx) =>
    tx
      .select({ objects: sql<number>`count(*)::int`, bytes: sql<number>`coalesce(sum(${artifacts.size}), 0)::bigint` })
      .from(artifacts)
      .where(pending(o)),
  );
  return { objects: Number(row?.objects ?? 0), bytes: Number(row?.bytes ?? 0) };
}

function pending(o: Pick<FixityOptions, 'orgId' | 'startedAt' | 'afterId' | 'filter'>): SQL | undefined {
  return and(
    eq(artifacts.orgId, o.orgId),
    isNull(artifacts.disposedAt),
    or(isNull(artifacts.lastVerifiedAt), lt(artifacts.lastVerifiedAt, o.startedAt)),
    o.afterId ? gt(artifacts.id, o.afterId) : undefined,
    o.filter,
  );
}

/**
 * Re-reads every artifact by its version and re-hashes the bytes (never trusting ETag or HEAD),
 * in id order so a crashed run resumes after the last finished batch. A failed read or a wrong
 * hash is tried once more before it is declared: a flaky network must not become a finding.
 * Batch n is recorded (findings, last_verified_at, cursor) while batch n+1 is hashed, one record
 * at a time and in order, so the saved cursor never runs ahead of what was recorded.
 */
export async function fixityPass(deps: Pick<ArchiveDeps, 'db' | 'store' | 'clock'>, pool: HashPool, sink: FindingSink, o: FixityOptions) {
  const actor = systemActor(o.orgId);
  const fetchAfter = (afterId: string | null) =>
    inTenant(deps.db, actor, (tx) =>
      tx
        .select()
        .from(artifacts)
        .where(pending({ ...o, afterId }))
        .orderBy(asc(artifacts.id))
        .limit(o.batchSize),
    );
  let recording: Promise<void> = Promise.resolve();
  try {
    let batch = await fetchAfter(o.afterId);
    while (batch.length > 0) {
      o.signal?.throwIfAborted();
      // Objects the inventory found missing would only fail again here.
      const todo = batch.filter((row) => !sink.has(row.id, 'missing_object'));
      const afterId = (batch[batch.length - 1] as ArtifactRow).id;
      const objects = batch.length;
      // Read ahead, so the hash threads do not wait for the database between batches.
      const next = fetchAfter(afterId);
      next.catch(() => {});
      const results = await Promise.all(todo.map((row) => verifyOne(deps, pool, row)));
      await recording;
      recording = recordBatch(deps, sink, actor, todo, results).then((bytes) => o.onBatch({ afterId, objects, bytes }));
      batch = await next;
    }
  } finally {
    await recording;
  }
}

/** Findings for what failed, last_verified_at for what matched; returns the bytes verified. */
async function recordBatch(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  sink: FindingSink,
  actor: ReturnType<typeof systemActor>,
  todo: ArtifactRow[],
  results: Outcome[],
): Promise<number> {
  const verified: string[] = [];
  let bytes = 0;
  for (const [i, result] of results.entries()) {
    const row = todo[i] as ArtifactRow;
    const at = { artifactId: row.id, objectKey: row.storageKey, versionId: row.versionId };
    if (result.ok) {
      verified.push(row.id);
      bytes += result.size;
    } else if (result.error) {
      await sink.add({ ...at, kind: 'read_failed', message: `artifact ${row.id}: could not be read twice: ${result.error}` });
    } else {
      await sink.add({
        ...at,
        kind: 'fixity_mismatch',
        message: `artifact ${row.id}: the stored bytes hash to ${result.sha256}, not ${row.sha256}`,
        details: { expected: row.sha256, actual: result.sha256, size: result.size },
      });
    }
  }
  if (verified.length > 0) {
    const now = deps.clock.now();
    await inTenant(deps.db, actor, (tx) => tx.update(artifacts).set({ lastVerifiedAt: now }).where(inArray(artifacts.id, verified)));
  }
  return bytes;
}

type Outcome = { ok: true; size: number } | { ok: false; sha256?: string; size?: number; error?: string };

async function verifyOne(deps: Pick<ArchiveDeps, 'store'>, pool: HashPool, row: ArtifactRow): Promise<Outcome> {
  let last: Outcome = { ok: false };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const got = await pool.hash(await deps.store.open({ key: row.storageKey, versionId: row.versionId }));
      if (got.sha256 === row.sha256) return { ok: true, size: got.size };
      last = { ok: false, sha256: got.sha256, size: got.size };
    } catch (err) {
      last = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return last;
}
