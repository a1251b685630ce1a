import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { findProviderByIssuer } from '../archive/identity/identity-providers.js';
import { AppError } from '../core/errors.js';
import { ephemeralKeys, type IdentityOptions } from './auth/identity-options.js';
import { createOidcVerifier } from './auth/oidc.js';
import { authenticate } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { errorBody, toErrorResponse } from './http/errors.js';
import type { Logger } from './logger.js';
import { artifactRoutes } from './routes/artifact-routes.js';
import { authRoutes, publicAuthRoutes } from './routes/auth-routes.js';
import { customerRoutes } from './routes/customer-routes.js';
import { documentRoutes } from './routes/document-routes.js';
import { extractionRoutes } from './routes/extraction-routes.js';
import { integrityRoutes } from './routes/integrity-routes.js';
import { magicLinkRoutes } from './routes/magic-link-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import type { RouteDeps } from './routes/route-deps.js';
import { sealRoutes } from './routes/seal-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { type SigningSettings, signingRoutes } from './routes/signing-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { userRoutes } from './routes/user-routes.js';

export interface AppDeps extends RouteDeps {
  logger: Logger;
  version: string;
  /** Keys and sign-in settings; omitted in tests and tools: throwaway keys, development cookies. */
  identity?: Partial<Omit<IdentityOptions, 'oidc'>>;
  /** Time-stamp authority and extra trust anchors; omitted: B-B only, anchors from credentials. */
  signing?: SigningSettings;
}

/** The HTTP application. Everything it uses comes in through `deps`; nothing is global. */
export function createApp(deps: AppDeps) {
  const identity: IdentityOptions = {
    ...ephemeralKeys(),
    secureCookies: false,
    trustProxy: false,
    publicUrl: 'http://localhost:8080',
    ...deps.identity,
    oidc: createOidcVerifier({ clock: deps.archive.clock, findProvider: (issuer) => findProviderByIssuer(deps.archive.db, issuer) }),
  };
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.join('.') || 'request';
        return c.json(errorBody('validation_failed', `${where}: ${issue?.message ?? 'invalid'}`), 400);
      }
      return undefined;
    },
  });

  app.use(requestId());
  app.use(async function accessLog(c, next) {
    const started = performance.now();
    const log = deps.logger.child({ requestId: c.get('requestId') });
    c.set('log', log);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routePath(c);
    deps.metrics.httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
    log.info({ method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
  });

  app.onError((err, c) => toErrorResponse(err, c, c.get('log') ?? deps.logger));
  app.notFound((c) => c.json(errorBody('not_found', 'no such route'), 404));

  opsRoutes(app, deps);
  // Sign-in routes answer before the wall below; everything else under /api/v1 is behind it.
  publicAuthRoutes(app, deps, identity);
  app.use('/api/v1/*', authenticate(deps.archive, identity));
  authRoutes(app, deps, identity);
  artifactRoutes(app, deps);
  documentRoutes(app, deps);
  extractionRoutes(app, deps);
  customerRoutes(app, deps);
  tokenRoutes(app, deps);
  userRoutes(app, deps);
  magicLinkRoutes(app, deps, identity.publicUrl);
  signingRoutes(app, deps, identity.masterKey, deps.signing);
  integrityRoutes(app, deps);
  sealRoutes(app, deps, identity.masterKey);
  searchRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (arkiv_…) or an OIDC access token of a bound identity provider',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'arkiv_session',
    description: 'Portal session; writes also need the X-CSRF-Token header',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Arkiv API',
      version: deps.version,
      description: 'Document repository and archive for Manufacturing Record Books. Errors: {"error": {"code", "message"}}.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  return app;
}

export type ArkivApp = ReturnType<typeof createApp>;
export { AppError };
