import { and, eq, gt, sql } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { lockKey } from '../adapters/database.js';
import { appendAudit } from '../audit/append.js';
import { type Db, queryRows } from '../db.js';
import { enqueueJob } from '../jobs/queue.js';
import { integrityRuns } from '../schema.js';
import { inSystem } from '../tenancy.js';
import { failAbandonedRuns } from './run-failure.js';
import { initialCursor } from './run-state.js';
import { INTEGRITY_RUN_JOB } from './runs.js';

/** A scheduled run is not queued twice, even if the cron fires late or on several instances. */
const MIN_GAP_MS = 20 * 3_600_000;

/**
 * Queues one rolling-slice run per organization (see slice.ts for what a slice covers). Every
 * instance's cron calls this; the advisory lock makes the second wait for the first and then find
 * its runs, so each organization gets one run a day, executed by whichever runner claims the job.
 */
export const queueDailySlices = (deps: { db: Db; clock: Clock }) => queueScheduledRuns(deps, 'slice');

/**
 * The annual full pass: every artifact re-hashed and every signature re-verified, whatever the
 * slices did, recorded with scope `full`. Same lock discipline as the slices.
 */
export const queueFullPasses = (deps: { db: Db; clock: Clock }) => queueScheduledRuns(deps, 'full');

async function queueScheduledRuns(deps: { db: Db; clock: Clock }, scope: 'slice' | 'full'): Promise<string[]> {
  // Runs whose job died for good are closed first, so the run list never shows them running.
  await failAbandonedRuns(deps);
  const now = deps.clock.now();
  return inSystem(deps.db, async (tx) => {
    await lockKey(tx, `arkiv:integrity:${scope}`);
    const orgs = await queryRows<{ id: string }>(tx, sql`select id::text as id from organizations order by id`);
    const queued: string[] = [];
    for (const { id: orgId } of orgs) {
      const [recent] = await tx
        .select({ id: integrityRuns.id })
        .from(integrityRuns)
        .where(
          and(
            eq(integrityRuns.orgId, orgId),
            eq(integrityRuns.scope, scope),
            gt(integrityRuns.startedAt, new Date(now.getTime() - MIN_GAP_MS)),
          ),
        )
        .limit(1);
      if (recent) continue;
      const id = newId();
      await tx
        .insert(integrityRuns)
        .values({ id, orgId, scope, status: 'queued', requestedBy: 'system', startedAt: now, cursor: initialCursor() });
      await appendAudit(tx, deps.clock, systemActor(orgId), {
        action: 'integrity.run.request',
        targetType: 'integrity_run',
        targetId: id,
        details: { scope },
      });
      await enqueueJob(tx, { kind: INTEGRITY_RUN_JOB, orgId, payload: { runId: id }, maxAttempts: 20 });
      queued.push(id);
    }
    return queued;
  });
}

/**
 * Seconds since the least recently verified artifact was last re-hashed (or stored, if never),
 * over all organizations: the number an operator alerts on when coverage falls behind the window.
 */
export async function oldestUnverifiedAgeSeconds(deps: { db: Db; clock: Clock }): Promise<number> {
  const [row] = await inSystem(deps.db, (tx) =>
    queryRows<{ oldest: string | Date | null }>(
      tx,
      sql`select min(coalesce(last_verified_at, created_at)) as oldest from artifacts where disposed_at is null`,
    ),
  );
  if (!row?.oldest) return 0;
  return Math.max(0, Math.round((deps.clock.now().getTime() - new Date(row.oldest).getTime()) / 1000));
}
