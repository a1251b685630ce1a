import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createToken, listTokens, revokeToken } from '../../archive/tokens/tokens.js';
import { errorResponses, IdParam, json } from '../contracts/common.js';
import { CreatedTokenSchema, CreateTokenBody, TokenSchema } from '../contracts/tokens.js';
import type { AppEnv } from '../http/env.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
const tags = ['tokens'];

export function tokenRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tokens',
      'x-arkiv-permission': 'token.manage',
      tags,
      security,
      summary: 'Issue an API token for a user (admin). The secret is in this response only.',
      request: { body: { content: { 'application/json': { schema: CreateTokenBody } }, required: true } },
      responses: { 201: json(CreatedTokenSchema, 'Issued'), ...errorResponses },
    }),
    async (c) => c.json(await createToken(archive, c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tokens',
      'x-arkiv-permission': 'token.manage',
      tags,
      security,
      summary: "List the organization's tokens (never their secrets)",
      responses: { 200: json(z.object({ items: z.array(TokenSchema) }), 'Tokens'), ...errorResponses },
    }),
    async (c) => c.json({ items: await listTokens(archive, c.get('actor')) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/tokens/{id}',
      'x-arkiv-permission': 'token.manage',
      tags,
      security,
      summary: 'Revoke a token',
      request: { params: z.object({ id: IdParam }) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      await revokeToken(archive, c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
