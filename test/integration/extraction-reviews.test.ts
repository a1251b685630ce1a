import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResult } from '../../archive/extraction/fields.js';
import { enqueueReextraction } from '../../archive/extraction/reextract.js';
import { storeExtraction } from '../../archive/extraction/store-extraction.js';
import { auditEntries, certificateRecords, fieldReviews, heatNumbers } from '../../archive/schema.js';
import { EXTRACTOR_VERSION } from '../../extract/index.js';
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

describe.each(tiers)('reviews across re-extraction, failed extractions in the review queue ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let controller: string;
  let cert: Generated;
  let malformed: Uint8Array;
  let blank: Uint8Array;

  const upload = async (bytes: Uint8Array) => {
    const res = await t.call(org.token, '/api/v1/artifacts', { method: 'POST', body: bytes });
    expect(res.status).toBe(201);
    return ((await res.json()) as { sha256: string }).sha256;
  };
  const api = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> => {
    const res = await t.call(controller, path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, body: await res.json() };
  };
  const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
  const review = (id: string, body: unknown) => post(`/api/v1/extractions/${id}/reviews`, body);
  const queueItem = async (sha256: string) =>
    ((await api('/api/v1/review-queue?limit=100')).body.items as Json[]).find((i) => i.artifactSha256 === sha256);
  const artifactId = (sha256: string) => artifactIdOf(t.deps.db, org.orgId, sha256);
  const extractionsOf = (sha256: string) => extractionsOfArtifact(t.deps.db, org.orgId, sha256);
  const reviewsOn = (extractionId: string) =>
    t.deps.db
      .select()
      .from(fieldReviews)
      .where(eq(fieldReviews.extractionId, extractionId))
      .orderBy(asc(fieldReviews.createdAt), asc(fieldReviews.id));
  const record = async (sha256: string) =>
    (
      await t.deps.db
        .select()
        .from(certificateRecords)
        .where(eq(certificateRecords.artifactId, await artifactId(sha256)))
    )[0];
  const audited = async (action: string) =>
    (
      await t.deps.db
        .select()
        .from(auditEntries)
        .where(and(eq(auditEntries.orgId, org.orgId), eq(auditEntries.action, action)))
    ).map((e) => JSON.parse(e.details) as Json);
  /** What a later extractor version would store: the same reading with some fields read differently. */
  const storeReading = async (sha256: string, version: string, fields: Record<string, unknown>) => {
    const current = (await extractionsOf(sha256)).at(-1);
    const result = current?.result as StoredResult;
    return storeExtraction(t.deps, systemActor(org.orgId), {
      artifactId: await artifactId(sha256),
      jobId: null,
      extractorVersion: version,
      result: { ...result, fields: { ...result.fields, ...fields } },
      text: current?.text ?? '',
    });
  };

  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
    const res = await t.call(org.token, '/api/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'qc', role: 'document_controller', email: 'qc@example.com' }),
    });
    controller = ((await res.json()) as { token: string }).token;
    cert = await (LAYOUTS['mill-en10168'] as (r: Rng, n: string) => Promise<Generated>)(new Rng(41), 'mill-en10168');
    malformed = await readFile(join(pyhanko, 'malformed/circular-page-tree.pdf'));
    blank = await readFile(join(pyhanko, 'malformed/broken-objstream4.pdf'));
    for (const bytes of [cert.bytes, malformed, blank]) await upload(bytes);
    await runJobsUntilIdle(t);
  }, 180_000);
  afterAll(async () => {
    await closeExtractionPool();
    await t?.cleanup();
  });

  it('keeps the plain text of an uploaded text PDF on its extraction row, out of the result', async () => {
    const [row] = await extractionsOf(sha256Hex(cert.bytes));
    const result = row?.result as StoredResult & { pages: number };
    expect(row?.text).toContain(result.fields.documentNumber as string);
    expect(row?.text).toContain((result.fields.heatNumbers as string[])[0]);
    expect(row?.text?.split('\f')).toHaveLength(result.pages);
    expect(result).not.toHaveProperty('text');
  });

  it('carries reviews over to a re-extraction; a reading that now differs from a settled value goes back to the queue', async () => {
    const target = sha256Hex(cert.bytes);
    const [first] = await extractionsOf(target);
    const machine = (first?.result as StoredResult | undefined)?.fields ?? {};
    for (const f of ['poNumber', 'grade', 'documentNumber']) expect(machine[f], f).toBeDefined();
    const id = first?.id as string;
    // The controller settles every low-confidence field, overrules two readings, confirms one.
    expect((await review(id, { field: 'poNumber', action: 'correct', value: 'PO-HUMAN-1' })).status).toBe(201);
    expect((await review(id, { field: 'documentNumber', action: 'correct', value: 'DOC-HUMAN-1' })).status).toBe(201);
    expect((await review(id, { field: 'grade', action: 'confirm' })).status).toBe(201);
    const view = await api(`/api/v1/artifacts/${target}/extraction`);
    for (const field of view.body.extraction.pendingReview as string[]) {
      expect((await review(id, { field, action: 'confirm' })).status).toBe(201);
    }
    const settled = await reviewsOn(id);
    const settledBy = new Map(settled.map((r) => [r.field, r]));
    expect(await queueItem(target)).toBeUndefined();

    // The same extractor again (`arkiv reextract --all`): every review is carried over; the two
    // overruled fields are read as before, so nobody has to look again.
    expect((await enqueueReextraction(t.deps, { extractorVersion: EXTRACTOR_VERSION, all: true })).enqueued).toBeGreaterThanOrEqual(1);
    await runJobsUntilIdle(t);
    const second = (await extractionsOf(target)).at(-1);
    expect(second?.id).not.toBe(id);
    const carried = await reviewsOn(second?.id as string);
    expect(carried).toHaveLength(settledBy.size);
    for (const r of carried) {
      const source = settledBy.get(r.field);
      expect(r.reviewer).toBe(`carried-over:${source?.id}`);
      expect(r.value).toEqual(source?.value);
      expect(r.action).toBe(['poNumber', 'documentNumber'].includes(r.field) ? 'correct' : 'confirm');
    }
    expect(await queueItem(target)).toBeUndefined();
    expect(await record(target)).toMatchObject({ extractionId: second?.id, poNumber: 'PO-HUMAN-1', documentNumber: 'DOC-HUMAN-1' });

    // A later extractor reads the grade differently and the document number as the controller had it.
    const third = await storeReading(target, 'arkiv-extract/9.0.0', { grade: 'X2CrNiMoN22-5-3-NEW', documentNumber: 'DOC-HUMAN-1' });
    const byField = new Map((await reviewsOn(third.id)).map((r) => [r.field, r]));
    expect(byField.get('grade')).toMatchObject({ action: 'recheck', value: machine.grade });
    expect(byField.get('documentNumber')).toMatchObject({ action: 'confirm', value: 'DOC-HUMAN-1' });
    expect(byField.get('poNumber')).toMatchObject({ action: 'correct', value: 'PO-HUMAN-1' });
    const item = await queueItem(target);
    expect(item).toMatchObject({ extractionId: third.id, kind: 'changed_reading', changedFields: ['grade'], pendingFields: ['grade'] });
    // The human value still wins until a person decides.
    expect((await record(target))?.grade).toBe(machine.grade);
    const shown = await api(`/api/v1/artifacts/${target}/extraction`);
    expect(shown.body.extraction.effectiveFields.grade).toBe(machine.grade);
    expect(shown.body.extraction.result.fields.grade).toBe('X2CrNiMoN22-5-3-NEW');

    // Re-read again by yet another version that still disagrees: the question stays open.
    const fourth = await storeReading(target, 'arkiv-extract/9.0.1', {});
    expect((await reviewsOn(fourth.id)).find((r) => r.field === 'grade')?.action).toBe('recheck');
    expect((await queueItem(target))?.extractionId).toBe(fourth.id);
    expect((await review(third.id, { field: 'grade', action: 'confirm' })).status).toBe(409);
    // The controller accepts the new reading: the document leaves the queue.
    expect((await review(fourth.id, { field: 'grade', action: 'correct', value: 'X2CrNiMoN22-5-3-NEW' })).status).toBe(201);
    expect(await queueItem(target)).toBeUndefined();
    expect((await record(target))?.grade).toBe('X2CrNiMoN22-5-3-NEW');

    // Nothing was rewritten: the first reading and its reviews are as they were.
    expect((await extractionsOf(target))[0]).toEqual(first);
    expect(await reviewsOn(id)).toEqual(settled);
    const carriedAudit = (await audited('extraction.reviews_carried_over')).filter((d) => d.extractionId === third.id);
    expect(carriedAudit).toEqual([
      expect.objectContaining({ fromExtractionId: second?.id, recheck: ['grade'], confirmed: expect.arrayContaining(['documentNumber']) }),
    ]);
  }, 180_000);

  it('lists a failed extraction as its own kind; a controller enters fields by hand and dismisses it', async () => {
    const target = sha256Hex(malformed);
    const failed = (await extractionsOf(target)).at(-1);
    expect(failed?.result).toBeNull();
    expect(failed?.text).toBeNull();
    const item = await queueItem(target);
    expect(item).toMatchObject({
      extractionId: failed?.id,
      kind: 'failed',
      error: { code: 'pdf_malformed', message: expect.stringContaining('circular') },
      pendingFields: [],
    });
    const empty = await queueItem(sha256Hex(blank));
    expect(empty).toMatchObject({ kind: 'failed', error: { code: 'no_text' } });

    const id = failed?.id as string;
    expect((await review(id, { field: 'poNumber', action: 'correct', value: 'PO-BY-HAND' })).status).toBe(201);
    const entered = await review(id, { field: 'heatNumbers', action: 'correct', value: ['H-HAND-1'] });
    expect(entered.status).toBe(201);
    expect(entered.body.extraction.effectiveFields).toEqual({ poNumber: 'PO-BY-HAND', heatNumbers: ['H-HAND-1'] });
    expect(await record(target)).toMatchObject({ extractionId: id, poNumber: 'PO-BY-HAND', docClass: null });
    const heats = await t.deps.db
      .select()
      .from(heatNumbers)
      .where(and(eq(heatNumbers.orgId, org.orgId), eq(heatNumbers.heatNumber, 'H-HAND-1')));
    expect(heats).toHaveLength(1);
    // Entering fields does not close it; dismissing does (and only a failed extraction can be).
    expect((await queueItem(target))?.kind).toBe('failed');
    const reading = (await extractionsOf(sha256Hex(cert.bytes))).at(-1)?.id as string;
    expect((await post(`/api/v1/extractions/${reading}/dismissal`, { reason: 'x' })).status).toBe(409);
    expect((await post(`/api/v1/extractions/${id}/dismissal`, { reason: '' })).status).toBe(400);
    const dismissed = await post(`/api/v1/extractions/${id}/dismissal`, { reason: 'fields entered from the paper copy' });
    expect(dismissed.status).toBe(201);
    expect(dismissed.body.extraction.reviews.at(-1)).toMatchObject({ field: '*', action: 'dismiss' });
    expect((await post(`/api/v1/extractions/${id}/dismissal`, { reason: 'again' })).status).toBe(201);
    expect(await reviewsOn(id)).toHaveLength(3);
    expect(await queueItem(target)).toBeUndefined();
    expect(await audited('extraction.dismiss')).toEqual([
      expect.objectContaining({ extractionId: id, error: 'pdf_malformed', reason: 'fields entered from the paper copy' }),
    ]);

    // Re-extracted and failing again: the hand-entered fields and the dismissal carry over.
    await enqueueReextraction(t.deps, { extractorVersion: EXTRACTOR_VERSION, all: true });
    await runJobsUntilIdle(t);
    const again = (await extractionsOf(target)).at(-1);
    expect(again?.id).not.toBe(id);
    expect(again?.error).toMatchObject({ code: 'pdf_malformed' });
    expect((await reviewsOn(again?.id as string)).map((r) => [r.field, r.action])).toEqual(
      expect.arrayContaining([
        ['poNumber', 'correct'],
        ['heatNumbers', 'correct'],
        ['*', 'dismiss'],
      ]),
    );
    expect(await queueItem(target)).toBeUndefined();
    expect(await record(target)).toMatchObject({ extractionId: again?.id, poNumber: 'PO-BY-HAND' });
    // The document that was never dismissed is still waiting.
    expect((await queueItem(sha256Hex(blank)))?.kind).toBe('failed');
  }, 180_000);
});
