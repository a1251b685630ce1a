import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueReextraction } from '../../archive/extraction/reextract.js';
import { storeExtraction } from '../../archive/extraction/store-extraction.js';
import { certificateRecords, extractions, fieldReviews, heatNumbers, jobs } from '../../archive/schema.js';
import { AUTO_ACCEPT_CONFIDENCE, EXTRACTOR_VERSION } from '../../extract/index.js';
import { systemActor } from '../../policies/actor.js';
import { closeExtractionPool } from '../../server/jobs/extract-job.js';
import { LAYOUTS } from '../fixtures/extraction/catalog.js';
import { Rng } from '../fixtures/extraction/random.js';
import type { Generated } from '../fixtures/extraction/truth.js';
import { pyhanko } from '../signing/support/fixtures.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { artifactIdOf, extractionsOf as extractionsOfArtifact } from '../support/extraction-db.js';
import { sha256Hex } from '../support/http.js';
import { runJobsUntilIdle } from '../support/jobs.js';
import { tiers } from '../support/tiers.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;
const generate = (layout: string, seed: number) => (LAYOUTS[layout] as (r: Rng, n: string) => Promise<Generated>)(new Rng(seed), layout);

describe.each(tiers)('extraction in the archive ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let controller: string;
  let stockist: Generated;
  let bilingual: Generated;

  const upload = async (bytes: Uint8Array) => {
    const res = await t.call(org.token, '/api/v1/artifacts?docClass=mill_cert', { method: 'POST', body: bytes });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string; sha256: string }).sha256;
  };
  const api = async (path: string, init: RequestInit = {}, token = controller): Promise<{ status: number; body: Json }> => {
    const res = await t.call(token, path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, body: await res.json() };
  };
  const review = (id: string | undefined, body: unknown) =>
    api(`/api/v1/extractions/${id}/reviews`, { method: 'POST', body: JSON.stringify(body) });
  const artifactId = (sha256: string) => artifactIdOf(t.deps.db, org.orgId, sha256);
  const extractionsOf = (sha256: string) => extractionsOfArtifact(t.deps.db, org.orgId, sha256);

  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
    const made = await api(
      '/api/v1/tokens',
      { method: 'POST', body: JSON.stringify({ name: 'qc', role: 'document_controller', email: 'qc@example.com' }) },
      org.token,
    );
    controller = made.body.token;
    stockist = await generate('mill-stockist', 11);
    bilingual = await generate('mill-bilingual', 12);
    await upload(stockist.bytes);
    await upload(bilingual.bytes);
    await runJobsUntilIdle(t);
  }, 180_000);
  afterAll(async () => {
    await closeExtractionPool();
    await t?.cleanup();
  });

  it('stores the extraction with its extractor version and promotes heat numbers and typed columns', async () => {
    const [row] = await extractionsOf(sha256Hex(stockist.bytes));
    expect(row?.extractorVersion).toBe(EXTRACTOR_VERSION);
    expect(row?.error).toBeNull();
    const fields = (row?.result as { fields: Record<string, unknown> } | undefined)?.fields ?? {};
    const truth = stockist.truth.fields;
    expect(fields.heatNumbers).toEqual(truth.heatNumbers);
    // Searchable by heat number: one row per heat, pointing back at the certificate.
    for (const heat of truth.heatNumbers ?? []) {
      const hits = await t.deps.db
        .select()
        .from(heatNumbers)
        .where(and(eq(heatNumbers.orgId, org.orgId), eq(heatNumbers.heatNumber, heat)));
      expect(hits.map((h) => h.artifactId)).toEqual([row?.artifactId]);
    }
    const [rec] = await t.deps.db
      .select()
      .from(certificateRecords)
      .where(eq(certificateRecords.artifactId, row?.artifactId as string));
    expect(rec).toMatchObject({
      extractionId: row?.id,
      docClass: 'mill_cert',
      documentNumber: fields.documentNumber,
      issueDate: fields.issueDate,
      poNumber: truth.poNumber,
      grade: fields.grade,
      product: fields.product,
      materialStandards: fields.materialStandards,
    });
    const view = await api(`/api/v1/artifacts/${sha256Hex(stockist.bytes)}/extraction`);
    expect(view.status).toBe(200);
    expect(view.body.extraction.extractorVersion).toBe(EXTRACTOR_VERSION);
    expect(view.body.extraction.effectiveFields.heatNumbers).toEqual(truth.heatNumbers);
  });

  it('queues low-confidence documents for review; a correction is a new row, the extraction never changes', async () => {
    const target = sha256Hex(bilingual.bytes);
    const [before] = await extractionsOf(target);
    const result = before?.result as { fieldConfidence: Record<string, number>; fields: Record<string, unknown> };
    const low = Object.keys(result.fields).filter((f) => (result.fieldConfidence[f] ?? 0) < AUTO_ACCEPT_CONFIDENCE);
    expect(low.length).toBeGreaterThan(0);
    const queue = await api('/api/v1/review-queue');
    expect(queue.status).toBe(200);
    const item = queue.body.items.find((i: Json) => i.artifactSha256 === target);
    expect(item?.pendingFields).toEqual(low);
    expect(item?.extractionId).toBe(before?.id);

    expect((await review(before?.id, { field: 'issueDate', action: 'correct', value: '2024-02-30' })).status).toBe(400);
    const corrected = await review(before?.id, { field: 'poNumber', action: 'correct', value: 'PO-CORRECTED-7' });
    expect(corrected.status).toBe(201);
    expect(corrected.body.extraction.effectiveFields.poNumber).toBe('PO-CORRECTED-7');
    for (const field of low) {
      expect((await review(before?.id, { field, action: 'confirm' })).status).toBe(201);
    }
    const after = await api('/api/v1/review-queue');
    expect(after.body.items.map((i: Json) => i.artifactSha256)).not.toContain(target);

    const [now] = await extractionsOf(target);
    expect(now?.result).toEqual(before?.result);
    expect((now?.result as { fields: { poNumber?: string } } | undefined)?.fields.poNumber).toBe(bilingual.truth.fields.poNumber);
    await expect(
      t.deps.db
        .update(extractions)
        .set({ extractorVersion: 'tampered' })
        .where(eq(extractions.id, before?.id as string)),
    ).rejects.toThrow();
    await expect(t.deps.db.delete(fieldReviews).where(eq(fieldReviews.extractionId, before?.id as string))).rejects.toThrow();
    const reviews = await t.deps.db
      .select()
      .from(fieldReviews)
      .where(eq(fieldReviews.extractionId, before?.id as string));
    expect(reviews).toHaveLength(low.length + 1);
    const [rec] = await t.deps.db
      .select()
      .from(certificateRecords)
      .where(eq(certificateRecords.artifactId, before?.artifactId as string));
    expect(rec?.poNumber).toBe('PO-CORRECTED-7');
    const view = await api(`/api/v1/artifacts/${target}/extraction`);
    expect(view.body.extraction.effectiveFields.poNumber).toBe('PO-CORRECTED-7');
    expect(view.body.extraction.result.fields.poNumber).toBe(bilingual.truth.fields.poNumber);
    expect(view.body.extraction.pendingReview).toEqual([]);
  });

  it('re-extraction queues only artifacts read by an older extractor version, or all with --all', async () => {
    const old = await artifactId(sha256Hex(stockist.bytes));
    // As if the stockist certificate had last been read by an earlier extractor.
    await storeExtraction(t.deps, systemActor(org.orgId), {
      artifactId: old,
      jobId: null,
      extractorVersion: 'arkiv-extract/0.0.1',
      result: { docClass: 'mill_cert', certType: '3.1', source: 'text', fields: {}, fieldConfidence: {} },
    });
    const queued = async () =>
      (
        await t.deps.db
          .select()
          .from(jobs)
          .where(and(eq(jobs.orgId, org.orgId), eq(jobs.kind, 'documents.extract'), eq(jobs.status, 'queued')))
      ).map((j) => (j.payload as { artifactId: string }).artifactId);
    expect((await enqueueReextraction(t.deps, { extractorVersion: EXTRACTOR_VERSION })).enqueued).toBe(1);
    expect(await queued()).toEqual([old]);
    expect((await enqueueReextraction(t.deps, { extractorVersion: EXTRACTOR_VERSION })).enqueued).toBe(0);
    expect((await enqueueReextraction(t.deps, { extractorVersion: EXTRACTOR_VERSION, all: true })).enqueued).toBe(1);
    expect((await queued()).sort()).toEqual([old, await artifactId(sha256Hex(bilingual.bytes))].sort());
    await runJobsUntilIdle(t);
    const view = await api(`/api/v1/artifacts/${sha256Hex(stockist.bytes)}/extraction`);
    expect(view.body.extraction.extractorVersion).toBe(EXTRACTOR_VERSION);
    expect(view.body.extraction.effectiveFields.heatNumbers).toEqual(stockist.truth.fields.heatNumbers);
  }, 120_000);

  it('stores a signed PDF byte for byte and records an unreadable PDF as a failed extraction, not a failing job', async () => {
    const signed = await readFile(join(pyhanko, 'signed/testing-ca/pades-lta-dss-indirect-arrs-test.pdf'));
    const encrypted = await readFile(join(pyhanko, 'encrypted/minimal-pubkey-aes256.pdf'));
    expect(await upload(signed)).toBe(sha256Hex(signed));
    await upload(encrypted);
    await runJobsUntilIdle(t);
    const res = await t.call(org.token, `/api/v1/artifacts/${sha256Hex(signed)}`);
    expect(sha256Hex(new Uint8Array(await res.arrayBuffer()))).toBe(sha256Hex(signed));
    expect(await extractionsOf(sha256Hex(signed))).toHaveLength(1);
    const [failed] = await extractionsOf(sha256Hex(encrypted));
    expect(failed?.error).toMatchObject({ code: 'pdf_encrypted' });
    expect(await t.deps.db.select().from(jobs).where(eq(jobs.status, 'failed'))).toEqual([]);
  }, 120_000);
});
