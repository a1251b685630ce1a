import { desc, eq } from 'drizzle-orm';
import type { ArchiveDeps } from '../archive/deps.js';
import type { RunProgress } from '../archive/integrity/run-state.js';
import { oldestUnverifiedAgeSeconds } from '../archive/integrity/schedule.js';
import { integrityRuns } from '../archive/schema.js';
import { inSystem } from '../archive/tenancy.js';
import type { Metrics } from './metrics.js';

/**
 * Read at scrape time from the database, not kept in memory: the run may be executing on another
 * instance, and every instance must report the same coverage.
 */
export async function refreshIntegrityGauges(archive: Pick<ArchiveDeps, 'db' | 'clock'>, metrics: Metrics): Promise<void> {
  metrics.integrityOldestUnverified.set(await oldestUnverifiedAgeSeconds(archive));
  const [running] = await inSystem(archive.db, (tx) =>
    tx
      .select({ progress: integrityRuns.progress })
      .from(integrityRuns)
      .where(eq(integrityRuns.status, 'running'))
      .orderBy(desc(integrityRuns.startedAt))
      .limit(1),
  );
  metrics.integrityProgress.reset();
  const p = running?.progress as RunProgress | null | undefined;
  if (!p) return;
  const measures: Record<string, number | null> = {
    objects: p.objects,
    bytes: p.bytes,
    total_objects: p.totalObjects,
    total_bytes: p.totalBytes,
    eta_seconds: p.etaSeconds,
    findings: p.findings,
  };
  for (const [measure, value] of Object.entries(measures)) if (value !== null) metrics.integrityProgress.set({ measure }, value);
}
