import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';
import type { Db } from '../../archive/db.js';
import { findLiveToken } from '../../archive/tokens/tokens.js';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { isRole } from '../../policies/roles.js';
import type { AppEnv } from './env.js';

/**
 * Resolves `Authorization: Bearer <token>` to an Actor. Every /api/v1 route sits behind it; the
 * actor's organization then scopes every query. Unknown, expired and revoked tokens look alike.
 */
export function bearerAuth(deps: { db: Db; clock: Clock }) {
  return createMiddleware<AppEnv>(async function bearerAuthHandler(c, next) {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AppError('unauthenticated', 'a bearer token is required');
    const found = await findLiveToken(deps.db, deps.clock, match[1]);
    if (!found || !isRole(found.token.role)) throw new AppError('unauthenticated', 'the token is not valid');
    const role = found.token.role;
    // A customer's token without a customer binding would see the whole organization: refuse it.
    if (role === 'customer' && !found.customerId) throw new AppError('unauthenticated', 'the token is not valid');
    c.set('actor', {
      orgId: found.token.orgId,
      userId: found.token.userId,
      role,
      customerId: role === 'customer' ? found.customerId : null,
      ip: clientIp(c),
      userAgent: c.req.header('user-agent') ?? null,
    });
    await next();
  });
}

function clientIp(c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}
