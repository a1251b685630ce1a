import { availableParallelism } from 'node:os';
import { eq, type SQL, sql } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import { type Actor, systemActor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { CheckpointVerifier } from '../audit/checkpoint-signer.js';
import { verifyAuditChain } from '../audit/verify.js';
import { queryRows } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { integrityRuns } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { FindingSink } from './findings.js';
import { fixityPass, fixityTotals } from './fixity.js';
import { createHashPool } from './hash-pool.js';
import { inventoryPass } from './inventory.js';
import { markRunFailed } from './run-failure.js';
import { eta, initialCursor, type RunCursor, type RunProgress, type RunSummary } from './run-state.js';
import { type SignatureVerifier, signaturesPass } from './signatures-pass.js';
import { sliceFilter } from './slice.js';

export type IntegrityRun = typeof integrityRuns.$inferSelect;
export type RunScope = 'full' | 'slice' | 'on_demand';

export interface IntegrityOptions {
  /** Public keys (PEM) or verifiers trusted for audit checkpoints; without them the chain is not checked. */
  auditTrust?: CheckpointVerifier | readonly (CheckpointVerifier | string)[];
  verifySignatures?: SignatureVerifier;
  hashThreads?: number;
  batchSize?: number;
  /** Rolling slice window; every artifact is re-hashed at least once per window. */
  windowDays?: number;
  /** Stops the run between batches, as a crash would: it stays `running` and resumes later. */
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  /** Whether the caller retries a run that throws (the job queue does, while attempts remain). */
  willRetry?: boolean;
}

/** A new run of the actor's organization, not yet started; the caller runs or enqueues it. */
export async function createRun(deps: Pick<ArchiveDeps, 'db' | 'clock'>, actor: Actor, scope: RunScope) {
  const now = deps.clock.now();
  const id = newId();
  const [run] = await inTenant(deps.db, actor, async (tx) => {
    await appendAudit(tx, deps.clock, actor, {
      action: 'integrity.run.request',
      targetType: 'integrity_run',
      targetId: id,
      details: { scope },
    });
    return tx
      .insert(integrityRuns)
      .values({ id, orgId: actor.orgId, scope, status: 'queued', requestedBy: actor.userId, startedAt: now, cursor: initialCursor() })
      .returning();
  });
  return run as IntegrityRun;
}

/**
 * Runs (or resumes) one integrity run: inventory, fixity, signatures, audit chain. The cursor is
 * saved after each pass and each fixity batch, so a killed run continues where it stopped and
 * does not re-hash what it already verified (artifacts.last_verified_at >= the run's start).
 * A run that throws (store unreachable, a bug) is marked `failed` with the reason before the
 * error goes on; a retry resumes it from the cursor.
 */
export async function executeRun(deps: ArchiveDeps, runId: string, orgId: string, options: IntegrityOptions = {}): Promise<RunSummary> {
  try {
    return await runPasses(deps, runId, orgId, options);
  } catch (err) {
    // An abort stands in for a crash: the run stays `running`, resumable, as after a kill.
    if (!options.signal?.aborted) {
      const reason = err instanceof Error ? err.message : String(err);
      // If the database is what failed, this fails too; the sweep (run-failure.ts) catches up later.
      await markRunFailed(deps, runId, orgId, { reason, willRetry: options.willRetry ?? false }).catch(() => {});
    }
    throw err;
  }
}

async function runPasses(deps: ArchiveDeps, runId: string, orgId: string, options: IntegrityOptions): Promise<RunSummary> {
  const actor = systemActor(orgId);
  const [run] = await inTenant(deps.db, actor, (tx) => tx.select().from(integrityRuns).where(eq(integrityRuns.id, runId)));
  if (!run) throw new Error(`integrity run ${runId} not found`);
  if (run.status === 'succeeded' && run.summary) return run.summary as RunSummary;
  if (run.status === 'failed') {
    await inTenant(deps.db, actor, (tx) =>
      appendAudit(tx, deps.clock, actor, { action: 'integrity.run.resume', targetType: 'integrity_run', targetId: runId }),
    );
  }
  const cursor: RunCursor = { ...initialCursor(), ...((run.cursor as RunCursor | null) ?? {}) };
  const began = Date.now();
  const sink = await FindingSink.open(deps, orgId, runId);
  const save = (patch: Partial<IntegrityRun>) =>
    inTenant(deps.db, actor, (tx) => tx.update(integrityRuns).set(patch).where(eq(integrityRuns.id, runId)));
  const progress = async (p: Omit<RunProgress, 'findings' | 'updatedAt'>) => {
    const full: RunProgress = { ...p, findings: sink.count, updatedAt: deps.clock.now().toISOString() };
    options.onProgress?.(full);
    await save({ progress: full, cursor });
  };
  await save({ status: 'running', finishedAt: null, summary: null });

  if (cursor.pass === 'inventory') {
    cursor.inventory = await inventoryPass(deps, orgId, sink);
    cursor.pass = 'fixity';
    await progress({ pass: 'fixity', objects: 0, bytes: 0, totalObjects: null, totalBytes: null, etaSeconds: null });
  }
  if (cursor.pass === 'fixity') {
    const filter: SQL | undefined = run.scope === 'slice' ? sliceFilter(run.startedAt, options.windowDays ?? 90) : undefined;
    const base = { orgId, startedAt: run.startedAt, filter };
    const remaining = await fixityTotals(deps, { ...base, afterId: cursor.afterId });
    const total = { objects: remaining.objects + cursor.fixity.objects, bytes: remaining.bytes + cursor.fixity.bytes };
    const pool = createHashPool(options.hashThreads ?? Math.max(1, Math.min(4, availableParallelism() - 1)));
    const fixityBegan = Date.now();
    const bytesBefore = cursor.fixity.bytes;
    try {
      await fixityPass(deps, pool, sink, {
        ...base,
        afterId: cursor.afterId,
        batchSize: options.batchSize ?? 32,
        ...(options.signal ? { signal: options.signal } : {}),
        onBatch: async (b) => {
          cursor.afterId = b.afterId;
          cursor.fixity = { objects: cursor.fixity.objects + b.objects, bytes: cursor.fixity.bytes + b.bytes };
          const etaSeconds = eta(cursor.fixity.bytes - bytesBefore, total.bytes - bytesBefore, Date.now() - fixityBegan);
          await progress({ pass: 'fixity', ...cursor.fixity, totalObjects: total.objects, totalBytes: total.bytes, etaSeconds });
        },
      });
    } finally {
      await pool.close();
    }
    cursor.pass = 'signatures';
    await progress({ pass: 'signatures', ...cursor.fixity, totalObjects: total.objects, totalBytes: total.bytes, etaSeconds: null });
  }
  if (cursor.pass === 'signatures') {
    // The daily slice re-hashes bytes only; signatures are re-verified by full and on-demand runs.
    if (options.verifySignatures && run.scope !== 'slice')
      cursor.signatures = await signaturesPass(deps, options.verifySignatures, orgId, sink);
    cursor.pass = 'audit';
    await progress({ pass: 'audit', ...cursor.fixity, totalObjects: null, totalBytes: null, etaSeconds: null });
  }
  let audit: RunSummary['audit'] = null;
  if (cursor.pass === 'audit' && options.auditTrust) {
    const report = await verifyAuditChain(deps, options.auditTrust, { orgId });
    const org = report.orgs[0];
    for (const p of org?.problems ?? []) {
      await sink.add({ kind: `audit_${p.kind}`, message: p.message, details: { seq: p.seq } });
    }
    audit = { entries: org?.entries ?? 0, checkpointsVerified: org?.checkpointsVerified ?? 0, ok: report.ok };
  }
  cursor.pass = 'done';
  const summary = await summarize(deps, runId, orgId, cursor, audit, Date.now() - began);
  await inTenant(deps.db, actor, async (tx) => {
    await tx
      .update(integrityRuns)
      .set({ status: 'succeeded', finishedAt: deps.clock.now(), cursor, summary })
      .where(eq(integrityRuns.id, runId));
    await appendAudit(tx, deps.clock, actor, {
      action: 'integrity.run.finish',
      targetType: 'integrity_run',
      targetId: runId,
      outcome: summary.ok ? 'success' : 'failure',
      details: { findings: summary.findings, byKind: summary.byKind },
    });
  });
  await progress({ pass: 'done', ...cursor.fixity, totalObjects: cursor.fixity.objects, totalBytes: cursor.fixity.bytes, etaSeconds: 0 });
  return summary;
}

async function summarize(
  deps: Pick<ArchiveDeps, 'db'>,
  runId: string,
  orgId: string,
  cursor: RunCursor,
  audit: RunSummary['audit'],
  durationMs: number,
): Promise<RunSummary> {
  const list = await inTenant(deps.db, systemActor(orgId), (tx) =>
    queryRows<{ kind: string; n: number }>(
      tx,
      sql`select kind, count(*)::int as n from integrity_findings where run_id = ${runId} group by kind`,
    ),
  );
  const byKind = Object.fromEntries(list.map((r) => [r.kind, Number(r.n)]));
  const findings = Object.values(byKind).reduce((a, b) => a + b, 0);
  return {
    ok: findings === 0,
    findings,
    byKind,
    inventory: cursor.inventory ?? null,
    fixity: cursor.fixity,
    signatures: cursor.signatures ?? null,
    audit,
    durationMs,
    method:
      'store listing by version; SHA-256 of every version read back by versionId (worker threads, one retry); PAdES re-verification; audit chain and signed checkpoints',
  };
}
