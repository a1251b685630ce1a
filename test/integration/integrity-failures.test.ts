import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { queryRows } from '../../archive/db.js';
import type { ArchiveDeps } from '../../archive/deps.js';
import { createRun, executeRun } from '../../archive/integrity/run-integrity.js';
import { INTEGRITY_RUN_JOB } from '../../archive/integrity/runs.js';
import { oldestUnverifiedAgeSeconds, queueFullPasses } from '../../archive/integrity/schedule.js';
import { enqueueJob } from '../../archive/jobs/queue.js';
import type { BlobStore } from '../../archive/ports/blob-store.js';
import { artifacts, auditEntries, integrityRuns, jobs } from '../../archive/schema.js';
import { systemActor } from '../../policies/actor.js';
import { integrityRunJob } from '../../server/jobs/integrity-job.js';
import { startJobRunner } from '../../server/jobs/job-runner.js';
import { createLogger } from '../../server/logger.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { tiers } from '../support/tiers.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
const json = (r: Response): Promise<any> => r.json();
const UNREACHABLE = 'connect ECONNREFUSED 127.0.0.1:7480 (store switched off by the test)';

/**
 * The real store with its listing and reads switched off, as when the object store is down. A
 * flag, not a copy: switching it back on lets a retried attempt resume against the same objects.
 */
function switchableStore(real: BlobStore) {
  const state = { down: true };
  const store = new Proxy(real, {
    get(target, prop) {
      if (state.down && prop === 'listVersions') {
        return async function* unreachable() {
          yield* [];
          throw new Error(UNREACHABLE);
        };
      }
      if (state.down && prop === 'open') return () => Promise.reject(new Error(UNREACHABLE));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, state };
}

describe.each(tiers)('integrity runs that fail, and the full pass ($name tier)', (tier) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(tier);
  }, 120_000);
  afterAll(() => t?.cleanup());

  async function seededOrg(count: number) {
    const org = await t.newOrg();
    for (let i = 0; i < count; i++) {
      await ingestArtifact(t.deps, systemActor(org.orgId), {
        body: Readable.from(randomBytes(2048 + i)),
        contentType: 'application/octet-stream',
        docClass: 'coc',
      });
    }
    return org;
  }

  /** The server's job runner over `deps`, until the run leaves queued/running or fails for good. */
  async function runJobs(deps: ArchiveDeps, until: () => Promise<boolean>) {
    const runner = startJobRunner({
      deps,
      definitions: [integrityRunJob({}) as never],
      logger: createLogger({ LOG_LEVEL: 'silent' }),
      pollMs: 20,
    });
    try {
      for (let i = 0; i < 1200; i++) {
        if (await until()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the jobs did not reach the expected state');
    } finally {
      await runner.stop();
    }
  }

  const runRow = async (id: string) => (await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.id, id)))[0];
  const auditActions = async (orgId: string, runId: string) =>
    (
      await t.deps.db
        .select({ action: auditEntries.action })
        .from(auditEntries)
        .where(and(eq(auditEntries.orgId, orgId), eq(auditEntries.targetId, runId)))
        .orderBy(auditEntries.seq)
    ).map((e) => e.action);

  it('marks a run that throws failed, with the reason and an audit entry', async () => {
    const { orgId, token } = await seededOrg(2);
    const { store } = switchableStore(t.deps.store);
    const run = await createRun(t.deps, systemActor(orgId), 'on_demand');
    await expect(executeRun({ ...t.deps, store }, run.id, orgId, {})).rejects.toThrow(UNREACHABLE);

    const report = await json(await t.call(token, `/api/v1/integrity/runs/${run.id}`));
    expect(report).toMatchObject({ status: 'failed', summary: { ok: false, pass: 'inventory', willRetry: false } });
    expect(report.summary.error).toContain('ECONNREFUSED');
    expect(report.finishedAt).not.toBeNull();
    expect(await auditActions(orgId, run.id)).toEqual(['integrity.run.request', 'integrity.run.fail']);
  }, 120_000);

  it('retries a failed attempt from its cursor, and gives up for good after the last attempt', async () => {
    const { orgId } = await seededOrg(3);
    const { store, state } = switchableStore(t.deps.store);
    const deps = { ...t.deps, store };
    const retried = await createRun(t.deps, systemActor(orgId), 'on_demand');
    await enqueueJob(t.deps.db, { kind: INTEGRITY_RUN_JOB, orgId, payload: { runId: retried.id }, maxAttempts: 2 });
    // First attempt: failed, but a retry is due.
    await runJobs(deps, async () => (await runRow(retried.id))?.status === 'failed');
    expect((await runRow(retried.id))?.summary).toMatchObject({ ok: false, willRetry: true });
    // The store is back: the retry resumes the same run and finishes it.
    state.down = false;
    await runJobs(deps, async () => (await runRow(retried.id))?.status === 'succeeded');
    expect((await runRow(retried.id))?.summary).toMatchObject({ ok: true, fixity: { objects: 3 } });
    expect(await auditActions(orgId, retried.id)).toEqual([
      'integrity.run.request',
      'integrity.run.fail',
      'integrity.run.resume',
      'integrity.run.finish',
    ]);

    state.down = true;
    const doomed = await createRun(t.deps, systemActor(orgId), 'on_demand');
    await enqueueJob(t.deps.db, { kind: INTEGRITY_RUN_JOB, orgId, payload: { runId: doomed.id }, maxAttempts: 1 });
    await runJobs(deps, async () => {
      const [job] = await t.deps.db.select().from(jobs).where(sql`${jobs.payload}->>'runId' = ${doomed.id}`);
      return job?.status === 'failed';
    });
    expect((await runRow(doomed.id))?.summary).toMatchObject({ ok: false, willRetry: false });
  }, 120_000);

  it('stops a run whose job was interrupted more often than its attempts allow', async () => {
    const { orgId } = await seededOrg(1);
    const run = await createRun(t.deps, systemActor(orgId), 'on_demand');
    const jobId = await enqueueJob(t.deps.db, { kind: INTEGRITY_RUN_JOB, orgId, payload: { runId: run.id }, maxAttempts: 3 });
    // Three claims that each died with their process; the stale-lock sweep queued it once more.
    await t.deps.db.update(jobs).set({ attempts: 3 }).where(eq(jobs.id, jobId));
    await runJobs(t.deps, async () => (await runRow(run.id))?.status === 'failed');
    expect((await runRow(run.id))?.summary).toMatchObject({ error: 'gave up after 3 interrupted attempts', willRetry: false });
  }, 120_000);

  it('shows a run whose job is gone for good as failed, not running forever', async () => {
    const { orgId, token } = await seededOrg(1);
    const run = await createRun(t.deps, systemActor(orgId), 'on_demand');
    const jobId = await enqueueJob(t.deps.db, { kind: INTEGRITY_RUN_JOB, orgId, payload: { runId: run.id } });
    // What a runner leaves behind when the handler crashed outside the run on its last attempt.
    await t.deps.db.update(integrityRuns).set({ status: 'running' }).where(eq(integrityRuns.id, run.id));
    await t.deps.db.update(jobs).set({ status: 'failed', lastError: 'out of memory' }).where(eq(jobs.id, jobId));

    const list = await json(await t.call(token, '/api/v1/integrity/runs'));
    const shown = list.items.find((r: { id: string }) => r.id === run.id);
    expect(shown).toMatchObject({ status: 'failed', summary: { ok: false, willRetry: false } });
    expect(shown.summary.error).toContain('out of memory');
    expect(await auditActions(orgId, run.id)).toContain('integrity.run.fail');
  }, 120_000);

  it('queues one full pass per organization that re-verifies every artifact, and coverage age drops to ~0', async () => {
    await seededOrg(4);
    // Pretend nothing has been verified for a long time (and some never), as before a yearly pass.
    await t.deps.db.update(artifacts).set({ lastVerifiedAt: new Date(Date.now() - 200 * 86_400_000) });
    await t.deps.db.execute(sql`update artifacts set last_verified_at = null where id in (select id from artifacts limit 3)`);
    expect(await oldestUnverifiedAgeSeconds(t.deps)).toBeGreaterThan(199 * 86_400);

    // What the cron calls, on two instances at once: one full run per organization.
    const [a, b] = await Promise.all([queueFullPasses(t.deps), queueFullPasses(t.deps)]);
    const queued = [...a, ...b];
    const orgs = await queryRows(t.deps.db, sql`select id from organizations`);
    expect(queued).toHaveLength(orgs.length);
    const started = Date.now();
    await runJobs(t.deps, async () => {
      const rows = await t.deps.db.select({ status: integrityRuns.status }).from(integrityRuns).where(eq(integrityRuns.scope, 'full'));
      return rows.every((r) => r.status === 'succeeded');
    });

    const rows = await t.deps.db.select().from(artifacts);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row.lastVerifiedAt?.getTime() ?? 0).toBeGreaterThanOrEqual(started - 60_000);
    expect(await oldestUnverifiedAgeSeconds(t.deps)).toBeLessThan(120);
    const full = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.scope, 'full'));
    expect(full.every((r) => r.requestedBy === 'system')).toBe(true);
  }, 180_000);
});
