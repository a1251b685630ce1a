import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { login } from '../../archive/identity/local-accounts.js';
import { redeemMagicLink } from '../../archive/identity/magic-links.js';
import { type IssuedSession, revokeSession } from '../../archive/identity/sessions.js';
import { recordStepUp } from '../../archive/identity/step-up.js';
import { confirmTotp, enrolTotp, verifyStepUpCode } from '../../archive/identity/totp.js';
import { inTenant } from '../../archive/tenancy.js';
import { AppError } from '../../core/errors.js';
import { isStepUpFresh } from '../../policies/step-up.js';
import type { IdentityOptions } from '../auth/identity-options.js';
import { errorResponses, json } from '../contracts/common.js';
import { CodeBody, EnrolmentSchema, LoginBody, RedeemBody, SessionSchema, SignedInSchema, StepUpSchema } from '../contracts/identity.js';
import { clientInfo } from '../http/client-info.js';
import type { AppEnv } from '../http/env.js';
import { clearSessionCookies, setSessionCookies } from '../http/session-cookie.js';
import type { RouteDeps } from './route-deps.js';

const tags = ['auth'];
export const signedInSecurity: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
const tooMany = { 429: { description: 'Too many failures from this address' } };

async function signedIn(c: Context<AppEnv>, identity: IdentityOptions, issued: IssuedSession) {
  const now = new Date();
  await setSessionCookies(c, identity, issued.row, now, issued.csrfToken);
  const s = issued.row;
  return {
    userId: s.userId,
    orgId: s.orgId,
    role: s.role,
    customerId: s.customerId,
    orderId: s.orderId,
    stepUpFresh: !!s.stepUpAt,
    via: s.via,
    expiresAt: s.expiresAt.toISOString(),
    csrfToken: issued.csrfToken,
  };
}

/** Sign-in routes: reachable without credentials, so they are registered before the auth wall. */
export function publicAuthRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps, identity: IdentityOptions): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/login',
      'x-arkiv-permission': 'public',
      tags,
      security: [],
      summary: 'Sign in with e-mail and password; sets the session cookie and returns the CSRF token',
      request: { body: { content: { 'application/json': { schema: LoginBody } }, required: true } },
      responses: { 200: json(SignedInSchema, 'Signed in'), ...errorResponses, ...tooMany },
    }),
    async (c) => {
      const { session } = await login(archive, clientInfo(c, identity.trustProxy), c.req.valid('json'));
      return c.json(await signedIn(c, identity, session), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/magic-links/redeem',
      'x-arkiv-permission': 'public',
      tags,
      security: [],
      summary: "Redeem a customer's single-use link into a session scoped to its customer (and order)",
      request: { body: { content: { 'application/json': { schema: RedeemBody } }, required: true } },
      responses: { 200: json(SignedInSchema, 'Signed in'), ...errorResponses, ...tooMany },
    }),
    async (c) => {
      const session = await redeemMagicLink(archive, clientInfo(c, identity.trustProxy), c.req.valid('json').token);
      return c.json(await signedIn(c, identity, session), 200);
    },
  );
}

/** Routes about the caller's own sign-in: any authenticated caller, no permission of the matrix. */
export function authRoutes(app: OpenAPIHono<AppEnv>, { archive }: RouteDeps, identity: IdentityOptions): void {
  const keyed = { ...archive, masterKey: identity.masterKey };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/auth/session',
      'x-arkiv-permission': 'public',
      tags,
      security: signedInSecurity,
      summary: 'Who the caller is, and whether a step-up is fresh',
      responses: { 200: json(SessionSchema, 'The caller'), ...errorResponses },
    }),
    async (c) => {
      const actor = c.get('actor');
      const auth = c.get('auth');
      const session = auth.kind === 'session' ? auth.session : null;
      return c.json(
        {
          userId: actor.userId,
          orgId: actor.orgId,
          role: actor.role,
          customerId: actor.customerId,
          orderId: actor.orderId ?? null,
          stepUpFresh: isStepUpFresh(actor, archive.clock.now()),
          via: session?.via ?? auth.kind,
          expiresAt: session?.expiresAt.toISOString() ?? null,
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/logout',
      'x-arkiv-permission': 'public',
      tags,
      security: signedInSecurity,
      summary: 'End the current portal session (its cookie stops working at once)',
      responses: { 204: { description: 'Signed out' }, ...errorResponses },
    }),
    async (c) => {
      const auth = c.get('auth');
      const actor = c.get('actor');
      if (auth.kind === 'session')
        await inTenant(archive.db, actor, (tx) => revokeSession(tx, archive.clock, actor.orgId, auth.session.id));
      clearSessionCookies(c, identity);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/totp/enrol',
      'x-arkiv-permission': 'public',
      tags,
      security: signedInSecurity,
      summary: 'Start TOTP enrolment (signatories and admins); replacing a confirmed factor needs a fresh step-up',
      responses: { 200: json(EnrolmentSchema, 'The new secret'), 403: errorResponses[404], ...errorResponses },
    }),
    async (c) => c.json(await enrolTotp(keyed, c.get('actor')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/totp/confirm',
      'x-arkiv-permission': 'public',
      tags,
      security: signedInSecurity,
      summary: 'Activate the enrolled factor with a current code',
      request: { body: { content: { 'application/json': { schema: CodeBody } }, required: true } },
      responses: { 204: { description: 'Enrolled' }, ...errorResponses },
    }),
    async (c) => {
      await confirmTotp(keyed, c.get('actor'), c.req.valid('json').code);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/step-up',
      'x-arkiv-permission': 'public',
      tags,
      security: signedInSecurity,
      summary: 'Prove the second factor: signing and legal holds need this within the last 5 minutes',
      request: { body: { content: { 'application/json': { schema: CodeBody } }, required: true } },
      responses: { 200: json(StepUpSchema, 'Fresh'), ...errorResponses, ...tooMany },
    }),
    async (c) => {
      const actor = c.get('actor');
      const auth = c.get('auth');
      if (auth.kind === 'oidc') throw new AppError('bad_request', 'step-up needs a portal session or an API token');
      await verifyStepUpCode(keyed, actor, c.req.valid('json').code);
      const { freshUntil, session } = await recordStepUp(archive, actor, auth);
      if (session) await setSessionCookies(c, identity, session.row, archive.clock.now(), session.csrfToken);
      return c.json({ freshUntil: freshUntil.toISOString(), ...(session ? { csrfToken: session.csrfToken } : {}) }, 200);
    },
  );
}
