import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  listCredentials,
  registerCredential,
  revokeCredential,
  type SigningDeps,
  signDocument,
  verifyUpload,
} from '../../signing/index.js';
import { ErrorSchema, errorResponses, IdParam, json } from '../contracts/common.js';
import { CredentialSchema, RegisterCredentialBody, SignatureSchema, SignBody, VerifyReportSchema } from '../contracts/signing.js';
import type { AppEnv } from '../http/env.js';
import { withIdempotency } from '../http/idempotency.js';
import { requestBodyStream } from '../http/streams.js';
import type { RouteDeps } from './route-deps.js';

const security = [{ bearer: [] }];
const tags = ['signing'];
const refused = { 403: json(ErrorSchema, 'Not permitted, step-up required, or no covering credential') };
const unprocessable = { 422: json(ErrorSchema, 'The signing core refused (code names the reason)') };

/** Settings the composition root reads from the config (ARKIV_TSA_URL, ARKIV_TRUST_ANCHORS). */
export interface SigningSettings {
  tsaUrl?: string | undefined;
  trustAnchorsPem?: string | undefined;
}

export function signingRoutes(app: OpenAPIHono<AppEnv>, deps: RouteDeps, masterKey: Buffer, settings: SigningSettings = {}): void {
  // Read per request (a spread, no I/O): the settings object stays the single source, tests switch the TSA.
  const signingDeps = (): SigningDeps => ({
    ...deps.archive,
    masterKey,
    tsaUrl: settings.tsaUrl,
    trustAnchorsPem: settings.trustAnchorsPem,
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/signing-credentials',
      'x-arkiv-permission': 'user.manage',
      tags,
      security,
      summary: "Register a signatory's key (P12 or key + chain PEM); the key is encrypted at rest and never returned",
      request: { body: { content: { 'application/json': { schema: RegisterCredentialBody } }, required: true } },
      responses: { 201: json(CredentialSchema, 'Registered'), ...errorResponses, ...refused },
    }),
    async (c) => c.json(await registerCredential(signingDeps(), c.get('actor'), c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/signing-credentials',
      'x-arkiv-permission': 'user.manage',
      tags,
      security,
      summary: "The organization's signing credentials (certificates and grants, no keys)",
      responses: { 200: json(z.object({ items: z.array(CredentialSchema) }), 'All credentials'), ...errorResponses, ...refused },
    }),
    async (c) => c.json(await listCredentials(signingDeps(), c.get('actor')), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/signing-credentials/{id}',
      'x-arkiv-permission': 'user.manage',
      tags,
      security,
      summary: 'Revoke a credential: no further signatures with it; earlier ones stay attributable',
      request: { params: z.object({ id: IdParam }) },
      responses: { 200: json(CredentialSchema, 'Revoked'), ...errorResponses, ...refused },
    }),
    async (c) => c.json(await revokeCredential(signingDeps(), c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/documents/{id}/sign',
      'x-arkiv-permission': 'signature.create',
      tags,
      security,
      summary: 'Sign the current revision (PAdES B-B or B-T) with your own credential; the result is the next revision',
      description:
        'Needs a fresh step-up (POST /api/v1/auth/step-up). Recorded with who, what, when and the meaning (reason). Honours `Idempotency-Key`.',
      request: {
        params: z.object({ id: IdParam }),
        body: { content: { 'application/json': { schema: SignBody } }, required: true },
      },
      responses: { 201: json(SignatureSchema, 'Signed'), ...errorResponses, ...refused, ...unprocessable },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      // A retried click must not sign twice: one act, one record.
      return withIdempotency(c, deps.archive.db, [id, body], async () => ({
        status: 201,
        body: await signDocument(signingDeps(), c.get('actor'), id, body),
      })) as never;
    },
  );

  // Raw body: registered in the document only, handled by a plain route (as artifact uploads are).
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/v1/verify',
    'x-arkiv-permission': 'artifact.read',
    tags,
    security,
    summary: 'Verify the signatures of a PDF and say whether the archive holds the same bytes',
    description: "Streams the raw body. Trust anchors: the roots of the organization's signing credentials and ARKIV_TRUST_ANCHORS.",
    request: { body: { content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } } },
    responses: {
      200: json(VerifyReportSchema, 'The report'),
      400: json(VerifyReportSchema, 'Not a readable PDF (the report says why)'),
      401: errorResponses[401],
    },
  });
  app.post('/api/v1/verify', async (c) => {
    const { report, readable } = await verifyUpload(signingDeps(), c.get('actor'), requestBodyStream(c));
    return c.json(report, readable ? 200 : 400);
  });
}
