import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { PostgresSearchIndex } from '../../search/postgres-search.js';
import { searchArchive } from '../../search/search-archive.js';
import { errorResponses, json } from '../contracts/common.js';
import { SearchQuerySchema, SearchResultSchema } from '../contracts/search.js';
import type { AppEnv } from '../http/env.js';
import type { RouteDeps } from './route-deps.js';

export function searchRoutes(app: OpenAPIHono<AppEnv>, deps: RouteDeps): void {
  // Tools and tests that build the app without choosing an engine get the embedded one.
  const index = deps.search ?? new PostgresSearchIndex(deps.archive.db);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/search',
      'x-arkiv-permission': 'document.read',
      tags: ['search'],
      security: [{ bearer: [] }],
      summary: 'Search certificates and documents in your scope (heat, PO, grade, text), with facets',
      description:
        'Customer users search only their own published documents; a customerId or orderId outside your scope matches nothing. ' +
        'Hits are ordered by relevance class (identifier or grade, then title, then body text), then newest issue date.',
      request: { query: SearchQuerySchema },
      responses: { 200: json(SearchResultSchema, 'Hits, facets and the total in scope'), ...errorResponses },
    }),
    async (c) => c.json(await searchArchive(deps.archive, index, c.get('actor'), c.req.valid('query')), 200),
  );
}
