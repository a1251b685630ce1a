import { and, asc, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../access.js';
import type { Db } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { enqueueJob } from '../jobs/queue.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { artifacts, integrityFindings, integrityRuns } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { failAbandonedRuns } from './run-failure.js';
import { createRun, type IntegrityRun } from './run-integrity.js';

/** The job that executes (and, after a crash, resumes) one run. */
export const INTEGRITY_RUN_JOB = 'integrity.run';

export type IntegrityFinding = typeof integrityFindings.$inferSelect;
/** A run with the SHA-256 of its sealed PDF report: auditors download it as GET /artifacts/{sha256}. */
export type IntegrityRunWithReport = IntegrityRun & { reportSha256: string | null };

async function withReports(tx: Db, runs: IntegrityRun[]): Promise<IntegrityRunWithReport[]> {
  const ids = runs.flatMap((r) => (r.reportArtifactId ? [r.reportArtifactId] : []));
  const found = ids.length
    ? await tx.select({ id: artifacts.id, sha256: artifacts.sha256 }).from(artifacts).where(inArray(artifacts.id, ids))
    : [];
  const sha = new Map(found.map((a) => [a.id, a.sha256]));
  return runs.map((r) => ({ ...r, reportSha256: (r.reportArtifactId && sha.get(r.reportArtifactId)) || null }));
}

/** On demand, by an auditor or admin: the run is queued and executed by a job runner. */
export async function requestIntegrityRun(deps: Pick<ArchiveDeps, 'db' | 'clock'>, actor: Actor): Promise<IntegrityRun> {
  await authorize(deps, actor, 'integrity.run', 'integrity run');
  const run = await createRun(deps, actor, 'on_demand');
  // A run is resumable, so a crashed attempt is simply retried; many attempts are fine.
  await inTenant(deps.db, actor, (tx) =>
    enqueueJob(tx, { kind: INTEGRITY_RUN_JOB, orgId: actor.orgId, payload: { runId: run.id }, maxAttempts: 20 }),
  );
  return run;
}

export async function listIntegrityRuns(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  actor: Actor,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: IntegrityRunWithReport[]; nextCursor: string | null }> {
  await authorize(deps, actor, 'audit.read', 'integrity run');
  // A run whose job is gone shows as failed, not as `running` forever.
  await failAbandonedRuns(deps, actor.orgId);
  const limit = query.limit ?? 50;
  const pos = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await inTenant(deps.db, actor, async (tx) => {
    const page = await tx
      .select()
      .from(integrityRuns)
      .where(
        and(
          eq(integrityRuns.orgId, actor.orgId),
          pos
            ? or(lt(integrityRuns.startedAt, pos.createdAt), and(eq(integrityRuns.startedAt, pos.createdAt), lt(integrityRuns.id, pos.id)))
            : undefined,
        ),
      )
      .orderBy(desc(integrityRuns.startedAt), desc(integrityRuns.id))
      .limit(limit + 1);
    return withReports(tx, page);
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.startedAt, id: last.id }) : null };
}

/** Found in the caller's organization first, then authorized: another org's run is "not found". */
export async function getIntegrityRun(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  actor: Actor,
  id: string,
): Promise<{ run: IntegrityRunWithReport; findings: IntegrityFinding[] }> {
  // Runs are the supplier's own records: customers never see that one exists.
  if (actor.customerId) throw new AppError('not_found', 'integrity run not found');
  await failAbandonedRuns(deps, actor.orgId);
  const found = await inTenant(deps.db, actor, async (tx) => {
    const [run] = await tx
      .select()
      .from(integrityRuns)
      .where(and(eq(integrityRuns.orgId, actor.orgId), eq(integrityRuns.id, id)));
    if (!run) return null;
    const findings = await tx
      .select()
      .from(integrityFindings)
      .where(eq(integrityFindings.runId, id))
      .orderBy(asc(integrityFindings.createdAt));
    const [withReport] = await withReports(tx, [run]);
    return { run: withReport as IntegrityRunWithReport, findings };
  });
  if (!found) throw new AppError('not_found', 'integrity run not found');
  await authorize(deps, actor, 'audit.read', 'integrity run', undefined, { type: 'integrity_run', id });
  return found;
}
