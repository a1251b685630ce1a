import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { closeOrder } from '../../archive/customers/orders.js';
import { issueMagicLink, listActiveLinks, revokeLinks } from '../../archive/identity/magic-links.js';
import { errorResponses, IdParam, json } from '../contracts/common.js';
import { OrderSchema } from '../contracts/customers.js';
import { IssuedMagicLinkSchema, MagicLinkBody, MagicLinkSchema } from '../contracts/identity.js';
import type { AppEnv } from '../http/env.js';
import { signedInSecurity as security } from './auth-routes.js';
import type { RouteDeps } from './route-deps.js';

const tags = ['magic links'];
const CustomerParam = z.object({ id: IdParam });

/** Customer access without accounts: single-use links, and the order lifecycle that ends them. */
export function magicLinkRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps, publicUrl: string): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/customers/{id}/magic-links',
      'x-arkiv-permission': 'magic_link.manage',
      tags,
      security,
      summary: "Issue a single-use link (≤ 72 h) for one of the customer's people, optionally for one order",
      request: { params: CustomerParam, body: { content: { 'application/json': { schema: MagicLinkBody } }, required: true } },
      responses: { 201: json(IssuedMagicLinkSchema, 'Issued; the URL is shown once'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const link = await issueMagicLink(archive, c.get('actor'), publicUrl, { ...body, customerId: c.req.valid('param').id });
      return c.json(link, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/customers/{id}/magic-links',
      'x-arkiv-permission': 'magic_link.manage',
      tags,
      security,
      summary: "The customer's active (unused, unrevoked, unexpired) links",
      request: { params: CustomerParam },
      responses: { 200: json(z.object({ items: z.array(MagicLinkSchema) }), 'Active links'), ...errorResponses },
    }),
    async (c) => c.json({ items: await listActiveLinks(archive, c.get('actor'), c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/customers/{id}/magic-links',
      'x-arkiv-permission': 'magic_link.manage',
      tags,
      security,
      summary: "Remove a contact's access: revoke their links (by e-mail) and end their sessions",
      request: { params: CustomerParam, query: z.object({ email: z.email() }) },
      responses: { 200: json(z.object({ revoked: z.number() }), 'Revoked'), ...errorResponses },
    }),
    async (c) => {
      const revoked = await revokeLinks(archive, c.get('actor'), c.req.valid('param').id, { email: c.req.valid('query').email });
      return c.json({ revoked }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/customers/{id}/magic-links/{linkId}',
      'x-arkiv-permission': 'magic_link.manage',
      tags,
      security,
      summary: 'Revoke one link',
      request: { params: z.object({ id: IdParam, linkId: z.uuid().openapi({ param: { name: 'linkId', in: 'path' } }) }) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const { id, linkId } = c.req.valid('param');
      await revokeLinks(archive, c.get('actor'), id, { id: linkId });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/orders/{id}/close',
      'x-arkiv-permission': 'order.manage',
      tags: ['orders'],
      security,
      summary: 'Close an order: its customer links are revoked and sessions opened from them end',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(OrderSchema, 'Closed'), ...errorResponses },
    }),
    async (c) => c.json(await closeOrder(archive, c.get('actor'), c.req.valid('param').id), 200),
  );
}
