import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { addRevision, createDocument, getDocument, listDocuments, publishDocument } from '../../archive/documents/documents.js';
import { errorResponses, IdParam, json, PageQuery } from '../contracts/common.js';
import { AddRevisionBody, CreateDocumentBody, DocumentListQuery, DocumentSchema, DocumentSummarySchema } from '../contracts/documents.js';
import type { AppEnv } from '../http/env.js';
import { withIdempotency } from '../http/idempotency.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
const tags = ['documents'];

export function documentRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/documents',
      'x-arkiv-permission': 'document.create',
      tags,
      security,
      summary: 'Create a document from an uploaded artifact (revision 1)',
      request: { body: { content: { 'application/json': { schema: CreateDocumentBody } }, required: true } },
      responses: { 201: json(DocumentSchema, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return withIdempotency(c, archive.db, [body], async () => ({
        status: 201,
        body: await createDocument(archive, c.get('actor'), body),
      })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/documents',
      'x-arkiv-permission': 'document.read',
      tags,
      security,
      summary: 'List documents (newest first)',
      request: { query: PageQuery.merge(DocumentListQuery) },
      responses: {
        200: json(z.object({ items: z.array(DocumentSummarySchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listDocuments(archive, c.get('actor'), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/documents/{id}',
      'x-arkiv-permission': 'document.read',
      tags,
      security,
      summary: 'A document with all its revisions',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(DocumentSchema, 'The document'), ...errorResponses },
    }),
    async (c) => c.json(await getDocument(archive, c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/documents/{id}/revisions',
      'x-arkiv-permission': 'document.create',
      tags,
      security,
      summary: 'Add a revision (a new artifact); earlier revisions are never changed',
      request: {
        params: z.object({ id: IdParam }),
        body: { content: { 'application/json': { schema: AddRevisionBody } }, required: true },
      },
      responses: { 201: json(DocumentSchema, 'The document with its new revision'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      return withIdempotency(c, archive.db, [id, body], async () => ({
        status: 201,
        body: await addRevision(archive, c.get('actor'), id, body),
      })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/documents/{id}/publish',
      'x-arkiv-permission': 'book.publish',
      tags,
      security,
      summary: 'Release a document to its customer (customer users see published documents only)',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(DocumentSchema, 'Published'), ...errorResponses },
    }),
    async (c) => c.json(await publishDocument(archive, c.get('actor'), c.req.valid('param').id), 200),
  );
}
