import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listSeals, registerSeal, revokeSeal, type SealDeps } from '../../archive/seals/seals.js';
import { ErrorSchema, errorResponses, IdParam, json } from '../contracts/common.js';
import type { AppEnv } from '../http/env.js';
import { readSealP12 } from '../integrity/org-seal.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
const tags = ['integrity'];
const refused = { 403: json(ErrorSchema, 'Not permitted, or a fresh step-up is required') };

const RegisterSealBody = z
  .object({
    p12Base64: z.string().min(1).max(1_000_000).openapi({ description: 'PKCS#12 file (seal certificate, its chain and key), base64' }),
    passphrase: z.string().max(1000).default(''),
  })
  .openapi('RegisterOrganizationSeal');

const SealSchema = z
  .object({
    id: z.uuid(),
    subject: z.string(),
    certSha256: z.string().openapi({ description: 'SHA-256 of the seal certificate (DER), as `arkiv verify` reports the signer' }),
    notAfter: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('OrganizationSeal');

/** The organization's seal certificates, which sign its integrity reports. */
export function sealRoutes(app: OpenAPIHono<AppEnv>, deps: RouteDeps, masterKey: Buffer): void {
  const sealDeps: SealDeps = { ...deps.archive, masterKey };
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/seals',
      'x-arkiv-permission': 'user.manage',
      tags,
      security,
      summary: "Register the organization's seal (P12); its newest unrevoked seal signs every integrity report from now on",
      description:
        'Needs a fresh step-up (POST /api/v1/auth/step-up). The key is encrypted at rest and never returned. Without a seal, reports are signed with the server-wide ARKIV_INTEGRITY_SEAL_P12, if set.',
      request: { body: { content: { 'application/json': { schema: RegisterSealBody } }, required: true } },
      responses: { 201: json(SealSchema, 'Registered'), ...errorResponses, ...refused },
    }),
    async (c) => {
      const { p12Base64, passphrase } = c.req.valid('json');
      const read = () => readSealP12(p12Base64, passphrase, deps.archive.clock.now());
      return c.json(await registerSeal(sealDeps, c.get('actor'), read), 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/seals',
      'x-arkiv-permission': 'user.manage',
      tags,
      security,
      summary: "The organization's seals, newest first (certificates only, no keys)",
      responses: { 200: json(z.object({ items: z.array(SealSchema) }), 'All seals'), ...errorResponses },
    }),
    async (c) => c.json(await listSeals(deps.archive, c.get('actor')), 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/seals/{id}',
      'x-arkiv-permission': 'user.manage',
      tags,
      security,
      summary: 'Revoke a seal: later reports are signed with the next newest seal; sealed reports stay verifiable',
      description: 'Needs a fresh step-up.',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(SealSchema, 'Revoked'), ...errorResponses, ...refused },
    }),
    async (c) => c.json(await revokeSeal(sealDeps, c.get('actor'), c.req.valid('param').id), 200),
  );
}
