import { hostname } from 'node:os';
import type { ArchiveDeps } from '../../archive/deps.js';
import type { JobDefinition } from '../../archive/jobs/job-definition.js';
import { claimJob, completeJob, failJob, jobCounts, reportProgress, requeueStale } from '../../archive/jobs/queue.js';
import { inSystem } from '../../archive/tenancy.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export interface JobRunnerOptions {
  deps: ArchiveDeps;
  definitions: JobDefinition[];
  logger: Logger;
  metrics?: Metrics;
  pollMs?: number;
  /** Called after every finished job (e.g. to write an audit checkpoint for its organization). */
  afterJob?: (orgId: string | null) => Promise<void>;
}

/**
 * Polls the queue and runs one job at a time per instance. Several instances may run: the
 * claim query hands each job to exactly one of them.
 */
export function startJobRunner(options: JobRunnerOptions) {
  const { deps, logger } = options;
  const byKind = new Map(options.definitions.map((d) => [d.kind, d]));
  const workerId = `${hostname()}:${process.pid}`;
  let stopped = false;
  let idle: Promise<void> = Promise.resolve();

  async function runOnce(): Promise<boolean> {
    const now = deps.clock.now();
    const job = await inSystem(deps.db, async (tx) => {
      await requeueStale(tx, now, 15 * 60_000);
      return claimJob(tx, workerId, [...byKind.keys()], now);
    });
    if (!job) return false;
    const def = byKind.get(job.kind);
    const log = logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    try {
      if (!def) throw new Error(`no handler for job kind ${job.kind}`);
      const payload = def.payload.parse(job.payload);
      await def.handle(payload, {
        jobId: job.id,
        orgId: job.orgId,
        attempt: job.attempts,
        deps,
        progress: (p) => inSystem(deps.db, (tx) => reportProgress(tx, job.id, p, deps.clock)),
      });
      await inSystem(deps.db, (tx) => completeJob(tx, job.id, deps.clock.now()));
      log.info('job succeeded');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outcome = await inSystem(deps.db, (tx) => failJob(tx, job, message, deps.clock.now()));
      log.warn({ err, outcome }, 'job failed');
    }
    await options.afterJob?.(job.orgId).catch((err: unknown) => log.error({ err }, 'after-job hook failed'));
    await refreshGauge();
    return true;
  }

  async function refreshGauge() {
    if (!options.metrics) return;
    options.metrics.jobs.reset();
    for (const c of await inSystem(deps.db, jobCounts)) options.metrics.jobs.set({ kind: c.kind, status: c.status }, c.count);
  }

  async function loop() {
    while (!stopped) {
      const worked = await runOnce().catch((err: unknown) => {
        logger.error({ err }, 'job runner error');
        return false;
      });
      if (!worked) await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  }

  idle = refreshGauge()
    .catch((err: unknown) => logger.warn({ err }, 'job gauge refresh failed'))
    .then(loop);
  return {
    runOnce,
    async stop() {
      stopped = true;
      await idle;
    },
  };
}
