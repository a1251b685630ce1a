import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { deleteArtifact } from '../../archive/artifacts/delete-artifact.js';
import { ingestArtifact } from '../../archive/artifacts/ingest-artifact.js';
import { setLegalHold } from '../../archive/artifacts/legal-hold.js';
import { describeArtifact, readArtifact } from '../../archive/artifacts/read-artifact.js';
import { AppError } from '../../core/errors.js';
import { isSha256Hex } from '../../core/ids.js';
import { ArtifactSchema, LegalHoldBody, UploadQuery } from '../contracts/artifacts.js';
import { ErrorSchema, errorResponses, json, Sha256Param } from '../contracts/common.js';
import { declaredSha256, parseRange, reprDigest } from '../http/digest-headers.js';
import type { AppEnv } from '../http/env.js';
import { withIdempotency } from '../http/idempotency.js';
import { requestBodyStream, toWebStream } from '../http/streams.js';
import type { RouteDeps } from './route-deps.js';

const MAX_CONTENT_TYPE = 200;

export function artifactRoutes(app: OpenAPIHono<AppEnv>, deps: RouteDeps): void {
  const { archive, metrics } = deps;
  documentBinaryRoutes(app);

  app.post('/api/v1/artifacts', async (c) => {
    const actor = c.get('actor');
    const query = UploadQuery.safeParse(c.req.query());
    if (!query.success) throw new AppError('validation_failed', 'docClass must be one of the document classes');
    const declared = declaredSha256(c.req.raw.headers);
    const length = c.req.header('content-length');
    if (length && Number(length) > archive.maxUploadBytes) {
      throw new AppError('payload_too_large', `uploads are limited to ${archive.maxUploadBytes} bytes`);
    }
    const contentType = normalizeContentType(c.req.header('content-type'));
    return withIdempotency(c, archive.db, [declared ?? null, length ?? null, query.data.docClass], async () => {
      deps.uploads.begin();
      try {
        const result = await ingestArtifact(archive, actor, {
          body: requestBodyStream(c),
          contentType,
          docClass: query.data.docClass,
          expectedSha256: declared,
        });
        metrics.bytesIn.inc(result.created ? result.artifact.size : 0);
        c.header('Location', `/api/v1/artifacts/${result.artifact.sha256}`);
        c.header('ETag', `"${result.artifact.sha256}"`);
        return { status: result.created ? 201 : 200, body: result.artifact };
      } finally {
        deps.uploads.end();
      }
    });
  });

  app.get('/api/v1/artifacts/:sha256', async (c) => {
    const sha256 = requireSha(c.req.param('sha256'));
    const actor = c.get('actor');
    if (c.req.method === 'HEAD') {
      const { row } = await describeArtifact(archive, actor, sha256);
      return new Response(null, { status: 200, headers: contentHeaders(row, row.size) });
    }
    const rangeHeader = c.req.header('range');
    const { row, stream, range } = await readArtifact(archive, actor, sha256, (size) => parseRange(rangeHeader, size));
    const headers = contentHeaders(row, range ? range.end - range.start + 1 : row.size);
    if (range) headers.set('Content-Range', `bytes ${range.start}-${range.end}/${row.size}`);
    const body = toWebStream(stream, (n) => metrics.bytesOut.inc(n));
    return new Response(body, { status: range ? 206 : 200, headers });
  });

  app.delete('/api/v1/artifacts/:sha256', async (c) => {
    await deleteArtifact(archive, c.get('actor'), requireSha(c.req.param('sha256')));
    return c.body(null, 204);
  });

  app.put('/api/v1/artifacts/:sha256/legal-hold', async (c) => {
    const body = LegalHoldBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new AppError('validation_failed', 'expected {"on": boolean, "reason": string}');
    const view = await setLegalHold(archive, c.get('actor'), requireSha(c.req.param('sha256')), body.data.on, body.data.reason);
    return c.json(view, 200);
  });
}

function requireSha(value: string): string {
  if (!isSha256Hex(value)) throw new AppError('not_found', 'artifact not found');
  return value;
}

function normalizeContentType(header: string | undefined): string {
  const value = header?.trim();
  if (!value || value.length > MAX_CONTENT_TYPE || !/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/.test(value)) {
    return 'application/octet-stream';
  }
  return value;
}

function contentHeaders(row: { sha256: string; contentType: string; createdAt: Date }, length: number): Headers {
  return new Headers({
    'Content-Type': row.contentType,
    'Content-Length': String(length),
    ETag: `"${row.sha256}"`,
    'Repr-Digest': reprDigest(row.sha256),
    Digest: `sha-256=${Buffer.from(row.sha256, 'hex').toString('base64')}`,
    'Accept-Ranges': 'bytes',
    'Last-Modified': row.createdAt.toUTCString(),
    // Every read is audited, so caches must come back to us.
    'Cache-Control': 'private, no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
}

/** Binary routes are plain Hono handlers (streams, not JSON); their contract is documented here. */
function documentBinaryRoutes(app: OpenAPIHono<AppEnv>): void {
  const security = [{ bearer: [] }];
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/v1/artifacts',
    'x-arkiv-permission': 'artifact.create',
    tags: ['artifacts'],
    summary: 'Upload a file as a content-addressed, retention-locked artifact',
    description:
      'Streams the raw body. Optional `Repr-Digest: sha-256=:<b64>:` or `X-Checksum-Sha256` is verified (400 digest_mismatch, nothing stored). Same bytes twice → 200 with the existing artifact. Honours `Idempotency-Key`.',
    security,
    request: {
      query: UploadQuery,
      body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    },
    responses: {
      201: json(ArtifactSchema, 'Stored'),
      200: json(ArtifactSchema, 'Already stored (deduplicated)'),
      413: json(ErrorSchema, 'Too large'),
      ...errorResponses,
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/artifacts/{sha256}',
    'x-arkiv-permission': 'artifact.read',
    tags: ['artifacts'],
    summary: 'Download an artifact (also HEAD); supports Range, ETag and Repr-Digest. Every read is audited.',
    security,
    request: { params: z.object({ sha256: Sha256Param }) },
    responses: {
      200: { description: 'The bytes', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
      206: { description: 'Partial content' },
      416: json(ErrorSchema, 'Range not satisfiable'),
      ...errorResponses,
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/api/v1/artifacts/{sha256}',
    'x-arkiv-permission': 'artifact.delete',
    tags: ['artifacts'],
    summary: 'Dispose of an artifact after its retention; refused (409 retention_locked / legal_hold_active) before',
    security,
    request: { params: z.object({ sha256: Sha256Param }) },
    responses: { 204: { description: 'Disposed' }, 409: json(ErrorSchema, 'Retained or on legal hold'), ...errorResponses },
  });
  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/api/v1/artifacts/{sha256}/legal-hold',
    'x-arkiv-permission': 'legal_hold.set',
    tags: ['artifacts'],
    summary: 'Place or release a legal hold (admin)',
    security,
    request: { params: z.object({ sha256: Sha256Param }), body: { content: { 'application/json': { schema: LegalHoldBody } } } },
    responses: { 200: json(ArtifactSchema, 'Updated'), ...errorResponses },
  });
}
