import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import cron from 'node-cron';
import { writeCheckpoint, writeCheckpointsForAllOrgs } from '../archive/audit/checkpoint.js';
import { queueDailySlices, queueFullPasses } from '../archive/integrity/schedule.js';
import { createApp } from './app.js';
import { loadAuditSigner } from './audit-key.js';
import { loadIdentitySettings, loadSigningSettings } from './identity-settings.js';
import { instrumentStore } from './instrumented-store.js';
import { reportSealer } from './integrity/org-seal.js';
import { jobDefinitions } from './jobs/definitions.js';
import { closeExtractionPool } from './jobs/extract-job.js';
import { sealLoader } from './jobs/integrity-job.js';
import { startJobRunner } from './jobs/job-runner.js';
import { createMetrics } from './metrics.js';
import type { UploadTracker } from './routes/route-deps.js';
import type { Runtime } from './runtime.js';
import { packageVersion } from './version.js';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets uploads in flight finish (up to the grace period), then closes. */
  shutdown(reason: string): Promise<void>;
}

export async function startServer(runtime: Runtime): Promise<RunningServer> {
  const { config, logger } = runtime;
  const metrics = createMetrics();
  const uploads = uploadTracker(metrics);
  const archive = { ...runtime.archive, store: instrumentStore(runtime.store, metrics) };
  const signing = await loadSigningSettings(config);
  const identity = await loadIdentitySettings(config, runtime.dataDir);
  const app = createApp({
    archive,
    database: runtime.database,
    metrics,
    uploads,
    logger,
    version: packageVersion(),
    identity,
    signing,
    search: runtime.search.index,
  });

  const signer = await loadAuditSigner({ configuredKeyPem: config.ARKIV_AUDIT_SIGNING_KEY, dataDir: runtime.dataDir });
  const checkpoint = async () => {
    try {
      await writeCheckpointsForAllOrgs({ db: archive.db, store: archive.store, clock: runtime.clock }, signer);
    } catch (err) {
      logger.error({ err }, 'audit checkpoint failed');
    }
  };
  const task = cron.schedule(config.ARKIV_CHECKPOINT_CRON, checkpoint, { noOverlap: true });
  // Every instance schedules the slice; queueDailySlices' advisory lock makes it happen once.
  const integrityTask = cron.schedule(
    config.ARKIV_INTEGRITY_CRON,
    () =>
      queueDailySlices({ db: archive.db, clock: runtime.clock }).then(
        () => undefined,
        (err: unknown) => logger.error({ err }, 'integrity slice scheduling failed'),
      ),
    { noOverlap: true },
  );
  // The annual full pass, likewise once across instances (queueFullPasses takes its own lock).
  const fullPassTask = cron.schedule(
    config.ARKIV_INTEGRITY_FULL_CRON,
    () =>
      queueFullPasses({ db: archive.db, clock: runtime.clock }).then(
        () => undefined,
        (err: unknown) => logger.error({ err }, 'integrity full pass scheduling failed'),
      ),
    { noOverlap: true },
  );
  const runner = startJobRunner({
    deps: archive,
    definitions: jobDefinitions(
      signing,
      {
        auditTrust: async () => signer,
        windowDays: config.ARKIV_INTEGRITY_WINDOW_DAYS,
        seal: reportSealer({ db: archive.db, clock: runtime.clock, masterKey: identity.masterKey }, sealLoader(config)),
      },
      runtime.search.indexFor,
    ),
    logger,
    metrics,
    // Every job ends with a signed checkpoint of its organization's audit head.
    afterJob: async (orgId) => {
      if (orgId) await writeCheckpoint({ db: archive.db, store: archive.store, clock: runtime.clock }, signer, orgId);
    },
  });

  const server = await new Promise<Server>((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolveServer(s as Server));
  });
  // Large uploads on slow links: never cut a request off for taking long, only for idling.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, database: runtime.database.kind, store: runtime.store.kind }, 'arkiv listening');

  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason, uploadsInFlight: uploads.inFlight }, 'shutting down');
      await task.stop();
      await integrityTask.stop();
      await fullPassTask.stop();
      await runner.stop();
      await closeExtractionPool();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const deadline = Date.now() + config.ARKIV_SHUTDOWN_GRACE_MS;
      while (uploads.inFlight > 0 && Date.now() < deadline) await sleep(100);
      // Whatever is still running is aborted: its spool file is removed, nothing is stored.
      server.closeAllConnections();
      await closed;
      await checkpoint();
      await runtime.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { server, port, shutdown };
}

function uploadTracker(metrics: ReturnType<typeof createMetrics>): UploadTracker {
  let inFlight = 0;
  return {
    begin() {
      inFlight++;
      metrics.uploadsInFlight.set(inFlight);
    },
    end() {
      inFlight--;
      metrics.uploadsInFlight.set(inFlight);
    },
    get inFlight() {
      return inFlight;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
