import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { artifacts, jobs, searchEntries } from '../../archive/schema.js';
import { createSearchEngine } from '../../search/create-search-index.js';
import { PostgresSearchIndex } from '../../search/postgres-search.js';
import { main } from '../../server/cli/main.js';
import { searchCommand } from '../../server/cli/search-command.js';
import { closeExtractionPool } from '../../server/jobs/extract-job.js';
import type { Runtime } from '../../server/runtime.js';
import { LAYOUTS } from '../fixtures/extraction/catalog.js';
import { Rng } from '../fixtures/extraction/random.js';
import type { Generated } from '../fixtures/extraction/truth.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sha256Hex } from '../support/http.js';
import { runJobsUntilIdle } from '../support/jobs.js';
import { tiers } from '../support/tiers.js';
import { searchClient, uploadWithReading } from './search-seed.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;
const keys = (r: Json) => r.hits.map((h: Json) => h.key).sort();

describe.each(tiers)('search indexing ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let api: ReturnType<typeof searchClient>;
  let cert: Generated;
  let certArtifactId: string;

  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
    api = searchClient(t, org.token);
    cert = await (LAYOUTS['mill-stockist'] as (r: Rng, n: string) => Promise<Generated>)(new Rng(41), 'mill-stockist');
    const res = await t.call(org.token, '/api/v1/artifacts?docClass=mill_cert', { method: 'POST', body: cert.bytes });
    expect(res.status).toBe(201);
    // Upload → extraction job → indexing job, as in production.
    await runJobsUntilIdle(t);
    const [row] = await t.deps.db
      .select({ id: artifacts.id })
      .from(artifacts)
      .where(and(eq(artifacts.orgId, org.orgId), eq(artifacts.sha256, sha256Hex(Buffer.from(cert.bytes)))));
    certArtifactId = row?.id as string;
  }, 240_000);
  afterAll(async () => {
    await closeExtractionPool();
    await t?.cleanup();
  });

  it('indexes an uploaded PDF after extraction, then moves it under its document when filed', async () => {
    const heat = cert.truth.fields.heatNumbers?.[0] as string;
    const loose = await api.search({ q: heat });
    expect(keys(loose)).toEqual([`art:${certArtifactId}`]);
    expect(loose.hits[0]).toMatchObject({ poNumber: cert.truth.fields.poNumber, documentNumber: cert.truth.fields.documentNumber });
    const doc = await api.post('/api/v1/documents', {
      artifactSha256: sha256Hex(Buffer.from(cert.bytes)),
      docClass: 'mill_cert',
      title: 'Stockist certificate',
    });
    await runJobsUntilIdle(t);
    const filed = await api.search({ heat: heat.slice(0, -1) });
    expect(keys(filed)).toEqual([`rev:${doc.id}:1`]);
    expect(filed.hits[0].title).toBe('Stockist certificate');
  });

  it('re-indexes after a review: the corrected heat number is found, the old one no longer', async () => {
    const sha = await uploadWithReading(t, org.orgId, org.token, { fields: { heatNumbers: ['K0RR3CT'] } });
    await runJobsUntilIdle(t);
    expect((await api.search({ q: 'K0RR3CT' })).total).toBe(1);
    const view = await api.call(`/api/v1/artifacts/${sha}/extraction`);
    const reviewed = await api.call(`/api/v1/extractions/${view.body.extraction.id}/reviews`, {
      field: 'heatNumbers',
      action: 'correct',
      value: ['KORRECT9'],
    });
    expect(reviewed.status).toBeLessThan(300);
    await runJobsUntilIdle(t);
    expect((await api.search({ q: 'KORRECT9' })).total).toBe(1);
    expect((await api.search({ heat: 'K0RR3CT' })).total).toBe(0);
  });

  it('hides export-controlled documents from callers without clearance', async () => {
    const sha = await uploadWithReading(t, org.orgId, org.token, { fields: { heatNumbers: ['EXP4242'] } });
    await api.post('/api/v1/documents', { artifactSha256: sha, docClass: 'mill_cert', title: 'Controlled', exportControlled: true });
    await runJobsUntilIdle(t);
    const index = new PostgresSearchIndex(t.deps.db);
    const scope = { orgId: org.orgId, customerId: null, publishedOnly: false };
    expect((await index.search(scope, { q: 'EXP4242', limit: 10 })).total).toBe(0);
    expect((await index.search({ ...scope, exportCleared: true }, { q: 'EXP4242', limit: 10 })).total).toBe(1);
    expect((await api.search({ q: 'EXP4242' })).total).toBe(0);
  });

  it('refuses to search without a scope', async () => {
    const index = new PostgresSearchIndex(t.deps.db);
    await expect(index.search(undefined as never, { limit: 10 })).rejects.toThrow(/scope/);
  });

  it('rebuilds every entry with `arkiv search reindex`, printing the counts', async () => {
    const entriesOf = async () =>
      (await t.deps.db.select({ key: searchEntries.key }).from(searchEntries).where(eq(searchEntries.orgId, org.orgId)))
        .map((r) => r.key)
        .sort();
    const before = await entriesOf();
    const visible = (await api.search({ limit: 100 })).total;
    expect(before).toHaveLength(3);
    await t.deps.db.execute(sql`delete from search_entries where org_id = ${org.orgId}::uuid`);
    expect((await api.search({ limit: 100 })).total).toBe(0);
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const code = tier.databaseUrl ? await reindexThroughMain(t.databaseUrl as string, org.orgId) : await reindexInProcess(t);
      expect(code).toBe(0);
      const summary = JSON.parse(String(printed.mock.calls.at(-1)?.[0]));
      expect(summary).toMatchObject({ engine: 'postgres', organizations: 1, documents: 2, looseArtifacts: 1, entries: 3 });
    } finally {
      printed.mockRestore();
    }
    expect(await entriesOf()).toEqual(before);
    expect(before).not.toContain(`art:${certArtifactId}`);
    expect((await api.search({ limit: 100 })).total).toBe(visible);
    expect(await t.deps.db.select().from(jobs).where(eq(jobs.status, 'failed'))).toEqual([]);
  });
});

/** Embedded tier: the test process holds the PGlite database, so the command gets it handed in. */
function reindexInProcess(t: TestApp): Promise<number> {
  const runtime = { database: t.database, search: createSearchEngine({ engine: 'postgres' }, t.deps.db), close: async () => {} };
  return searchCommand(['reindex', '--batch', '1'], async () => runtime as unknown as Runtime);
}

/** Services tier: the real entry point, configured from the environment like the CLI. */
async function reindexThroughMain(databaseUrl: string, orgId: string): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'arkiv-reindex-'));
  const saved = { ...process.env };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, ARKIV_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  delete process.env.S3_ENDPOINT;
  try {
    return await main(['search', 'reindex', '--org', orgId]);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await rm(dataDir, { recursive: true, force: true });
  }
}
