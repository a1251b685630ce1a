import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { AppError } from '../core/errors.js';
import { bearerAuth } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { errorBody, toErrorResponse } from './http/errors.js';
import type { Logger } from './logger.js';
import { artifactRoutes } from './routes/artifact-routes.js';
import { customerRoutes } from './routes/customer-routes.js';
import { documentRoutes } from './routes/document-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import type { RouteDeps } from './routes/route-deps.js';
import { tokenRoutes } from './routes/token-routes.js';

export interface AppDeps extends RouteDeps {
  logger: Logger;
  version: string;
}

/** The HTTP application. Everything it uses comes in through `deps`; nothing is global. */
export function createApp(deps: AppDeps) {
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
  app.use('/api/v1/*', bearerAuth(deps.archive));
  artifactRoutes(app, deps);
  documentRoutes(app, deps);
  customerRoutes(app, deps);
  tokenRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
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
