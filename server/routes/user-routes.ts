import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createIdentityProvider, listIdentityProviders } from '../../archive/identity/identity-providers.js';
import { disableUser, listUsers, setUser } from '../../archive/identity/users.js';
import { errorResponses, IdParam, json } from '../contracts/common.js';
import { IdentityProviderBody, IdentityProviderSchema, SetUserBody, UserSchema } from '../contracts/identity.js';
import type { AppEnv } from '../http/env.js';
import { signedInSecurity as security } from './auth-routes.js';
import type { RouteDeps } from './route-deps.js';

/** Administration of people and of the identity providers that vouch for them. */
export function userRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/users',
      'x-arkiv-permission': 'user.manage',
      tags: ['users'],
      security,
      summary: 'Create or update a local user by e-mail (role, password, export clearance, customer binding)',
      request: { body: { content: { 'application/json': { schema: SetUserBody } }, required: true } },
      responses: { 200: json(UserSchema, 'The user'), 409: json(z.any(), 'Bound to another customer'), ...errorResponses },
    }),
    async (c) => c.json(await setUser(archive, c.get('actor'), c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/users',
      'x-arkiv-permission': 'user.manage',
      tags: ['users'],
      security,
      summary: "The organization's users",
      responses: { 200: json(z.object({ items: z.array(UserSchema) }), 'Users'), ...errorResponses },
    }),
    async (c) => c.json({ items: await listUsers(archive, c.get('actor')) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/users/{id}',
      'x-arkiv-permission': 'user.manage',
      tags: ['users'],
      security,
      summary: 'Disable a user: sessions end and tokens stop working',
      request: { params: z.object({ id: IdParam }) },
      responses: { 204: { description: 'Disabled' }, ...errorResponses },
    }),
    async (c) => {
      await disableUser(archive, c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/identity-providers',
      'x-arkiv-permission': 'user.manage',
      tags: ['users'],
      security,
      summary: 'Bind an OIDC issuer to this organization and map its roles/groups claim to Arkiv roles',
      request: { body: { content: { 'application/json': { schema: IdentityProviderBody } }, required: true } },
      responses: { 201: json(IdentityProviderSchema, 'Bound'), 409: json(z.any(), 'Issuer already bound'), ...errorResponses },
    }),
    async (c) => c.json(await createIdentityProvider(archive, c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/identity-providers',
      'x-arkiv-permission': 'user.manage',
      tags: ['users'],
      security,
      summary: "The organization's identity providers",
      responses: { 200: json(z.object({ items: z.array(IdentityProviderSchema) }), 'Providers'), ...errorResponses },
    }),
    async (c) => c.json({ items: await listIdentityProviders(archive, c.get('actor')) }, 200),
  );
}
