import { bootstrap } from '../../archive/tokens/bootstrap.js';
import { systemClock } from '../../core/clock.js';
import { PostgresSearchIndex, SEARCH_SESSION_SETTINGS } from '../../search/postgres-search.js';
import { type AppDeps, createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';
import { createMetrics } from '../../server/metrics.js';
import type { UploadTracker } from '../../server/routes/route-deps.js';
import { makeTestArchive, type TestArchive, uniqueName } from './fixtures.js';
import type { Tier } from './tiers.js';

export interface TestApp extends TestArchive {
  app: ReturnType<typeof createApp>;
  /** Calls the app as a client with `token`. */
  call(token: string, path: string, init?: RequestInit): Promise<Response>;
  newOrg(): Promise<{ orgId: string; token: string }>;
}

/** The HTTP app over a private archive; requests go through `app.request()` (no socket). */
export async function makeTestApp(
  tier: Tier,
  options: { identity?: AppDeps['identity']; signing?: AppDeps['signing'] } = {},
): Promise<TestApp> {
  const archive = await makeTestArchive(tier);
  const uploads: UploadTracker = { begin() {}, end() {}, inFlight: 0 };
  // As in production: on PostgreSQL searches run on their own pool of preset sessions (on PGlite,
  // in a transaction with the same settings).
  const sessions = archive.database.readPool('search', SEARCH_SESSION_SETTINGS, 2);
  const app = createApp({
    archive: archive.deps,
    database: archive.database,
    search: new PostgresSearchIndex(archive.deps.db, { sessions }),
    metrics: createMetrics(),
    uploads,
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    version: 'test',
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.signing ? { signing: options.signing } : {}),
  });
  return {
    ...archive,
    app,
    call(token, path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return Promise.resolve(app.request(path, { ...init, headers }));
    },
    newOrg() {
      return bootstrap(archive.deps.db, systemClock, { orgName: uniqueName('org-'), email: 'admin@example.com' });
    },
  };
}
