import { inArray } from 'drizzle-orm';
import { jobs } from '../../archive/schema.js';
import { jobDefinitions } from '../../server/jobs/definitions.js';
import { startJobRunner } from '../../server/jobs/job-runner.js';
import { createLogger } from '../../server/logger.js';
import type { TestApp } from './app.js';

/** Runs the server's job runner over the test archive until no job is queued or running. */
export async function runJobsUntilIdle(t: TestApp, rounds = 1200): Promise<void> {
  const runner = startJobRunner({
    deps: t.deps,
    definitions: jobDefinitions({}),
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    pollMs: 20,
  });
  try {
    for (let i = 0; i < rounds; i++) {
      const busy = await t.deps.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(inArray(jobs.status, ['queued', 'running']));
      if (busy.length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('jobs did not finish');
  } finally {
    await runner.stop();
  }
}
