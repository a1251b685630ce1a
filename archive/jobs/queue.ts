import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import { type Db, queryRows } from '../db.js';
import { jobs } from '../schema.js';

/**
 * The jobs queue: rows in Postgres, claimed with `FOR UPDATE SKIP LOCKED` so any number of
 * server instances can work it without taking the same job twice. Failures are retried with
 * exponential backoff until `max_attempts`, then the job stays `failed` with its last error.
 */
export type JobRow = typeof jobs.$inferSelect;

export async function enqueueJob(
  db: Db,
  input: { kind: string; payload: unknown; orgId?: string | null; runAt?: Date; maxAttempts?: number },
): Promise<string> {
  const id = newId();
  await db.insert(jobs).values({
    id,
    kind: input.kind,
    payload: input.payload ?? {},
    orgId: input.orgId ?? null,
    runAt: input.runAt ?? new Date(),
    maxAttempts: input.maxAttempts ?? 5,
  });
  return id;
}

export async function claimJob(db: Db, workerId: string, kinds: string[], now: Date): Promise<JobRow | null> {
  if (kinds.length === 0) return null;
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`update jobs set status = 'running', locked_by = ${workerId}, locked_at = ${now.toISOString()}::timestamptz,
          attempts = attempts + 1, updated_at = ${now.toISOString()}::timestamptz
        where id = (
          select id from jobs
          where status = 'queued' and run_at <= ${now.toISOString()}::timestamptz
            and kind in (${sql.join(
              kinds.map((k) => sql`${k}`),
              sql`, `,
            )})
          order by run_at
          for update skip locked
          limit 1)
        returning id`,
  );
  if (!row) return null;
  const [job] = await db
    .select()
    .from(jobs)
    .where(eq(jobs.id, String(row.id)));
  return job ?? null;
}

export async function completeJob(db: Db, id: string, now: Date): Promise<void> {
  await db.update(jobs).set({ status: 'succeeded', lockedBy: null, updatedAt: now, lastError: null }).where(eq(jobs.id, id));
}

export async function failJob(db: Db, job: JobRow, error: string, now: Date): Promise<'retry' | 'failed'> {
  const exhausted = job.attempts >= job.maxAttempts;
  const backoffMs = Math.min(2 ** job.attempts * 1000, 3_600_000);
  await db
    .update(jobs)
    .set({
      status: exhausted ? 'failed' : 'queued',
      runAt: exhausted ? job.runAt : new Date(now.getTime() + backoffMs),
      lockedBy: null,
      lastError: error.slice(0, 2000),
      updatedAt: now,
    })
    .where(eq(jobs.id, job.id));
  return exhausted ? 'failed' : 'retry';
}

export async function reportProgress(db: Db, id: string, progress: Record<string, unknown>, clock: Clock): Promise<void> {
  await db
    .update(jobs)
    .set({ progress, updatedAt: clock.now() })
    .where(and(eq(jobs.id, id), eq(jobs.status, 'running')));
}

/**
 * Jobs left `running` by an instance that died (kill -9, OOM) go back to the queue once their
 * lock is older than `staleAfterMs`; handlers are written to be safely re-run.
 */
export async function requeueStale(db: Db, now: Date, staleAfterMs: number): Promise<number> {
  const cutoff = new Date(now.getTime() - staleAfterMs).toISOString();
  const rows = await queryRows(
    db,
    sql`update jobs set status = 'queued', locked_by = null where status = 'running' and locked_at < ${cutoff}::timestamptz returning id`,
  );
  return rows.length;
}

export async function jobCounts(db: Db): Promise<Array<{ kind: string; status: string; count: number }>> {
  const rows = await queryRows<{ kind: string; status: string; count: string | number }>(
    db,
    sql`select kind, status, count(*) as count from jobs group by kind, status`,
  );
  return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.count) }));
}
