import { eq, sql } from 'drizzle-orm';
import { systemActor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import { queryRows } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { integrityRuns } from '../schema.js';
import { inSystem, inTenant } from '../tenancy.js';
import type { FailedRunSummary, RunCursor } from './run-state.js';

/** The job kind, repeated here (not imported from runs.ts) to keep this file free of cycles. */
const JOB_KIND = 'integrity.run';
/**
 * A run executed in-process (the CLI) has no job to watch; without progress for this long its
 * process is taken for dead. Generous: the inventory pass of a large bucket saves no progress.
 */
const UNATTENDED_STALE_MS = 6 * 3_600_000;

export interface RunFailure {
  reason: string;
  /** True when the job queue will retry: the retry resumes this run from its cursor. */
  willRetry: boolean;
}

/**
 * Marks a run `failed`, with the reason and the pass it stopped in, and writes the audit entry.
 * A run already finished is left alone (a late sweep must not overwrite a success).
 */
export async function markRunFailed(deps: Pick<ArchiveDeps, 'db' | 'clock'>, runId: string, orgId: string, failure: RunFailure) {
  const actor = systemActor(orgId);
  await inTenant(deps.db, actor, async (tx) => {
    const [run] = await tx.select().from(integrityRuns).where(eq(integrityRuns.id, runId)).for('update');
    if (!run || run.status === 'succeeded') return;
    const cursor = run.cursor as RunCursor | null;
    const summary: FailedRunSummary = {
      ok: false,
      error: failure.reason.slice(0, 2000),
      pass: cursor?.pass ?? 'inventory',
      willRetry: failure.willRetry,
      fixity: cursor?.fixity ?? { objects: 0, bytes: 0 },
    };
    await tx.update(integrityRuns).set({ status: 'failed', finishedAt: deps.clock.now(), summary }).where(eq(integrityRuns.id, runId));
    await appendAudit(tx, deps.clock, actor, {
      action: 'integrity.run.fail',
      targetType: 'integrity_run',
      targetId: runId,
      outcome: 'failure',
      details: { reason: summary.error, pass: summary.pass, willRetry: failure.willRetry },
    });
  });
}

/**
 * Finds runs that can never finish and marks them failed: their job ended (failed after its last
 * attempt, or completed without finishing the run), disappeared, or, for a run without a job,
 * nothing has moved for hours. A job that is merely stale (its instance died) is not touched: the
 * queue requeues it and the run resumes from its cursor. Returns the ids marked failed.
 */
export async function failAbandonedRuns(deps: Pick<ArchiveDeps, 'db' | 'clock'>, orgId?: string): Promise<string[]> {
  const now = deps.clock.now();
  const rows = await inSystem(deps.db, (tx) =>
    queryRows<{ id: string; org_id: string; job_status: string | null; job_error: string | null; has_job: boolean; active: string }>(
      tx,
      sql`select r.id::text as id, r.org_id::text as org_id, j.status as job_status, j.last_error as job_error,
                 j.id is not null as has_job,
                 coalesce(r.progress->>'updatedAt', r.started_at::text) as active
          from integrity_runs r
          left join jobs j on j.kind = ${JOB_KIND} and j.payload->>'runId' = r.id::text
          where r.status in ('queued', 'running') ${orgId ? sql`and r.org_id = ${orgId}::uuid` : sql``}`,
    ),
  );
  const failed: string[] = [];
  for (const r of rows) {
    let reason: string | null = null;
    if (r.job_status === 'failed') reason = `its job gave up after its last attempt: ${r.job_error ?? 'no error recorded'}`;
    else if (r.job_status === 'succeeded') reason = 'its job ended without finishing the run';
    else if (!r.has_job && now.getTime() - new Date(r.active).getTime() > UNATTENDED_STALE_MS)
      reason = 'no job executes it and it has made no progress for hours (its process died)';
    if (!reason) continue;
    await markRunFailed(deps, r.id, r.org_id, { reason, willRetry: false });
    failed.push(r.id);
  }
  return failed;
}
