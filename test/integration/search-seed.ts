import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { storeExtraction } from '../../archive/extraction/store-extraction.js';
import { artifacts } from '../../archive/schema.js';
import { systemActor } from '../../policies/actor.js';
import type { TestApp } from '../support/app.js';
import { json, sha256Hex } from '../support/http.js';

/** What the extractor would have read from one certificate. */
export interface Reading {
  docClass?: string;
  certType?: string | null;
  fields: Record<string, unknown>;
  text?: string;
}

/** API calls as one caller, for search tests. */
export function searchClient(t: TestApp, token: string) {
  const call = async (path: string, body?: unknown) => {
    const res = await t.call(token, path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  };
  return {
    call,
    async post(path: string, body: unknown) {
      const res = await call(path, body);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res.body;
    },
    /** GET /api/v1/search with the given parameters; asserts 200. */
    async search(params: Record<string, string | number | boolean | undefined>) {
      const qs = new URLSearchParams(
        Object.entries(params).flatMap(([k, v]): Array<[string, string]> => (v === undefined ? [] : [[k, String(v)]])),
      );
      const res = await call(`/api/v1/search?${qs}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
  };
}

/**
 * Uploads a (non-PDF) file and stores an extraction for it through the archive's own use case,
 * exactly as the extraction job does for a PDF. Returns the artifact's SHA-256.
 */
export async function uploadWithReading(t: TestApp, orgId: string, token: string, reading: Reading): Promise<string> {
  const bytes = randomBytes(64);
  const res = await t.call(token, '/api/v1/artifacts?docClass=mill_cert', { method: 'POST', body: bytes });
  expect(res.status).toBe(201);
  const sha256 = sha256Hex(bytes);
  const [row] = await t.deps.db
    .select({ id: artifacts.id })
    .from(artifacts)
    .where(and(eq(artifacts.orgId, orgId), eq(artifacts.sha256, sha256)));
  const confidence = Object.fromEntries(Object.keys(reading.fields).map((f) => [f, 0.99]));
  await storeExtraction(t.deps, systemActor(orgId), {
    artifactId: row?.id as string,
    jobId: null,
    extractorVersion: 'search-test',
    result: {
      docClass: reading.docClass ?? 'mill_cert',
      certType: reading.certType ?? null,
      source: 'text',
      fields: reading.fields,
      fieldConfidence: confidence,
    },
    text: reading.text,
  });
  return sha256;
}
