import type { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../http/env.js';
import { refreshIntegrityGauges } from '../integrity-metrics.js';
import type { RouteDeps } from './route-deps.js';

/** Liveness, readiness and Prometheus metrics: unauthenticated, no tenant data. */
export function opsRoutes(app: OpenAPIHono<AppEnv>, { archive, database, metrics, search }: RouteDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const checks: Record<string, 'ok' | 'failed'> = {};
    await Promise.all([
      archive.db
        .execute(sql`select 1`)
        .then(() => (checks.database = 'ok'))
        .catch(() => (checks.database = 'failed')),
      archive.store
        .ping()
        .then(() => (checks.store = 'ok'))
        .catch(() => (checks.store = 'failed')),
    ]);
    // Without an engine of its own, search lives in the same database and is ready when it is.
    checks.search = search
      ? await search.ready().then(
          (ok) => (ok ? 'ok' : 'failed'),
          () => 'failed' as const,
        )
      : (checks.database ?? 'failed');
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ready ? 'ready' : 'not_ready', database: database.kind, store: archive.store.kind, checks }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    // A database hiccup must not cost the whole scrape; the gauges keep their last values.
    await refreshIntegrityGauges(archive, metrics).catch(() => {});
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
}
