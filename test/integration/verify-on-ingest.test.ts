import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, signatureVerifications } from '../../archive/schema.js';
import { jobDefinitions } from '../../server/jobs/definitions.js';
import { closeExtractionPool } from '../../server/jobs/extract-job.js';
import { startJobRunner } from '../../server/jobs/job-runner.js';
import { createLogger } from '../../server/logger.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { repoRoot } from '../support/server-process.js';
import { tiers } from '../support/tiers.js';

const vectors = join(repoRoot, 'test/signing/fixtures/pyhanko');

describe.each(tiers)('signature verification of every ingested PDF ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
  }, 60_000);
  afterAll(async () => {
    // PDFs are extracted too now; the runner's lazily started extraction worker must not outlive the file.
    await closeExtractionPool();
    await t?.cleanup();
  });

  async function uploadFile(path: string, contentType = 'application/pdf') {
    const res = await t.call(org.token, '/api/v1/artifacts', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: await readFile(path),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  async function runJobsUntilIdle() {
    const runner = startJobRunner({
      deps: t.deps,
      definitions: jobDefinitions({}),
      logger: createLogger({ LOG_LEVEL: 'silent' }),
      pollMs: 20,
    });
    try {
      for (let i = 0; i < 500; i++) {
        const pending = await t.deps.db.select().from(jobs).where(eq(jobs.status, 'queued'));
        const running = await t.deps.db.select().from(jobs).where(eq(jobs.status, 'running'));
        if (pending.length + running.length === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('jobs did not finish');
    } finally {
      await runner.stop();
    }
  }

  it('stores the verifier’s verdict, append-only, for signed and unsigned PDFs but not for other files', async () => {
    const signed = await uploadFile(join(vectors, 'signed/testing-ca/pades-lta-dss-indirect-arrs-test.pdf'));
    // Labelled as something else: the bytes decide, not the client's Content-Type.
    const unsigned = await uploadFile(join(vectors, 'minimal.pdf'), 'application/octet-stream');
    const notPdf = await uploadFile(join(vectors, 'LICENSE'), 'text/plain');
    await runJobsUntilIdle();
    const rows = await t.deps.db.select().from(signatureVerifications).where(eq(signatureVerifications.orgId, org.orgId));
    const byArtifact = new Map(rows.map((r) => [r.artifactId, r]));
    expect(byArtifact.get(signed)?.signatureCount).toBeGreaterThanOrEqual(1);
    expect((byArtifact.get(signed)?.report as { signatures: unknown[] } | undefined)?.signatures.length).toBeGreaterThanOrEqual(1);
    expect(byArtifact.get(unsigned)?.signatureCount).toBe(0);
    expect(byArtifact.has(notPdf)).toBe(false);
    const failed = await t.deps.db.select().from(jobs).where(eq(jobs.status, 'failed'));
    expect(failed).toEqual([]);
    await expect(t.deps.db.delete(signatureVerifications).where(eq(signatureVerifications.artifactId, signed))).rejects.toThrow();
  }, 120_000);
});
