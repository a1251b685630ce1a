import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { tiers } from '../support/tiers.js';

describe.each(tiers)('operations endpoints and OpenAPI ($name tier)', (tier) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(tier);
  }, 60_000);
  afterAll(() => t?.cleanup());

  it('reports liveness and readiness of database and store', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks).toEqual({ database: 'ok', store: 'ok', search: 'ok' });
  });

  it('exposes Prometheus metrics with request latency and byte counters', async () => {
    const org = await t.newOrg();
    await t.call(org.token, '/api/v1/artifacts', { method: 'POST', body: Buffer.from('metrics test') });
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toContain('arkiv_http_request_duration_seconds_bucket');
    expect(text).toMatch(/arkiv_upload_bytes_total \d+/);
    expect(text).toContain('arkiv_store_operation_duration_seconds');
  });

  it('serves an OpenAPI 3.1 document describing every API route, and the docs page', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/v1/artifacts', 'post'],
      ['/api/v1/artifacts/{sha256}', 'get'],
      ['/api/v1/artifacts/{sha256}', 'delete'],
      ['/api/v1/artifacts/{sha256}/legal-hold', 'put'],
      ['/api/v1/documents', 'post'],
      ['/api/v1/documents/{id}', 'get'],
      ['/api/v1/documents/{id}/revisions', 'post'],
      ['/api/v1/customers', 'get'],
      ['/api/v1/orders', 'post'],
      ['/api/v1/tokens', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const docs = await t.app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('answers unknown routes with the standard error body', async () => {
    const res = await t.app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });
});
