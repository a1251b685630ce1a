import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { dismissFailedExtraction } from '../../archive/extraction/dismiss.js';
import { getExtraction, reviewField } from '../../archive/extraction/review.js';
import { listReviewQueue } from '../../archive/extraction/review-queue.js';
// types.ts only: the constant, not the extractor (routes never load pdfjs).
import { AUTO_ACCEPT_CONFIDENCE } from '../../extract/types.js';
import { errorResponses, IdParam, json, PageQuery, Sha256Param } from '../contracts/common.js';
import { ArtifactExtractionSchema, DismissBody, ReviewBody, ReviewQueueItemSchema } from '../contracts/extractions.js';
import type { AppEnv } from '../http/env.js';
import { withIdempotency } from '../http/idempotency.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
const tags = ['extraction'];

export function extractionRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/review-queue',
      'x-arkiv-permission': 'document.review',
      tags,
      security,
      summary:
        'Documents waiting for a controller (newest first): failed extractions, re-extractions that read a reviewed field differently, unreviewed low-confidence fields',
      request: { query: PageQuery },
      responses: {
        200: json(z.object({ items: z.array(ReviewQueueItemSchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listReviewQueue(archive, c.get('actor'), c.req.valid('query'), AUTO_ACCEPT_CONFIDENCE), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/artifacts/{sha256}/extraction',
      'x-arkiv-permission': 'artifact.read',
      tags,
      security,
      summary: 'The current extraction of an artifact, with reviews merged into effective values (null until extracted)',
      request: { params: z.object({ sha256: Sha256Param }) },
      responses: { 200: json(ArtifactExtractionSchema, 'The extraction'), ...errorResponses },
    }),
    async (c) => c.json((await getExtraction(archive, c.get('actor'), c.req.valid('param').sha256, AUTO_ACCEPT_CONFIDENCE)) as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/extractions/{id}/reviews',
      'x-arkiv-permission': 'document.review',
      tags,
      security,
      summary:
        'Confirm or correct one extracted field (on a failed extraction: enter it by hand); a new review row, the extraction itself never changes',
      request: {
        params: z.object({ id: IdParam }),
        body: { content: { 'application/json': { schema: ReviewBody } }, required: true },
      },
      responses: { 201: json(ArtifactExtractionSchema, 'The extraction with the review applied'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      return withIdempotency(c, archive.db, [id, body], async () => ({
        status: 201,
        body: await reviewField(archive, c.get('actor'), id, body, AUTO_ACCEPT_CONFIDENCE),
      })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/extractions/{id}/dismissal',
      'x-arkiv-permission': 'document.review',
      tags,
      security,
      summary: 'Close a failed extraction in the review queue (fields entered by hand, or not worth reading); a new review row',
      request: {
        params: z.object({ id: IdParam }),
        body: { content: { 'application/json': { schema: DismissBody } }, required: true },
      },
      responses: { 201: json(ArtifactExtractionSchema, 'The failed extraction, dismissed'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      return withIdempotency(c, archive.db, [id, body], async () => ({
        status: 201,
        body: await dismissFailedExtraction(archive, c.get('actor'), id, body.reason, AUTO_ACCEPT_CONFIDENCE),
      })) as never;
    },
  );
}
