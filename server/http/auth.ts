import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Db } from '../../archive/db.js';
import { auditAuth } from '../../archive/identity/auth-audit.js';
import { oidcUser } from '../../archive/identity/identity-providers.js';
import { csrfMatches, findLiveSession } from '../../archive/identity/sessions.js';
import { findLiveToken } from '../../archive/tokens/tokens.js';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { isRole, type Permission, permissions } from '../../policies/roles.js';
import type { IdentityOptions } from '../auth/identity-options.js';
import { OidcRefusal } from '../auth/oidc.js';
import { clientInfo } from './client-info.js';
import type { AppEnv } from './env.js';
import { CSRF_HEADER, readSessionCookie, readSessionJwt, setSessionCookies, shouldRemint } from './session-cookie.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const invalid = () => new AppError('unauthenticated', 'the token is not valid');

/**
 * Resolves the caller to an Actor: `Authorization: Bearer` with an API token (`arkiv_…`) or an
 * OIDC access token, else the portal's session cookie. Every /api/v1 route but sign-in sits
 * behind it; the actor's organization then scopes every query. Unknown, expired and revoked
 * credentials look alike. Cookie-authenticated writes must echo the session's CSRF token: the
 * browser attaches cookies to requests a hostile page makes, but that page cannot read the token.
 */
export function authenticate(deps: { db: Db; clock: Clock }, identity: IdentityOptions) {
  return createMiddleware<AppEnv>(async function authenticateHandler(c, next) {
    const client = clientInfo(c, identity.trustProxy);
    const header = c.req.header('authorization');
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new AppError('unauthenticated', 'a bearer token is required');
      if (match[1].startsWith('arkiv_')) await fromApiToken(c, deps, match[1], client);
      else await fromOidc(c, deps, identity, match[1], client);
      return next();
    }
    const cookie = readSessionCookie(c);
    if (!cookie) throw new AppError('unauthenticated', 'sign in or send a bearer token');
    const now = deps.clock.now();
    const claims = await readSessionJwt(identity.sessionKey, cookie, now);
    const found = claims && (await findLiveSession(deps.db, deps.clock, claims.org, claims.sid));
    const role = found ? found.session.role : '';
    if (!claims || !found || found.user.id !== claims.sub || !isRole(role)) {
      throw new AppError('unauthenticated', 'the session has ended; sign in again');
    }
    const { session, user } = found;
    const actor = {
      orgId: session.orgId,
      userId: user.id,
      role,
      customerId: session.customerId,
      orderId: session.orderId,
      exportClearance: user.exportClearance,
      stepUpAt: session.stepUpAt,
      ...client,
    };
    if (WRITES.has(c.req.method) && !csrfMatches(session, c.req.header(CSRF_HEADER))) {
      await auditAuth(
        deps.db,
        deps.clock,
        session.orgId,
        { ...client, userId: user.id, role: actor.role, customerId: session.customerId },
        {
          action: 'auth.csrf_failed',
          targetType: 'session',
          targetId: session.id,
          outcome: 'denied',
          details: { method: c.req.method, path: c.req.path },
        },
      );
      throw new AppError('csrf_failed', `cookie-authenticated writes need the ${CSRF_HEADER} header from sign-in`);
    }
    c.set('actor', actor);
    c.set('auth', { kind: 'session', session });
    if (shouldRemint(claims, now)) await setSessionCookies(c, identity, session, now);
    return next();
  });
}

async function fromApiToken(c: Context<AppEnv>, deps: { db: Db; clock: Clock }, secret: string, client: ReturnType<typeof clientInfo>) {
  const found = await findLiveToken(deps.db, deps.clock, secret);
  if (!found || !isRole(found.token.role)) throw invalid();
  const role = found.token.role;
  // A customer's token without a customer binding would see the whole organization: refuse it.
  if (role === 'customer' && !found.customerId) throw invalid();
  c.set('actor', {
    orgId: found.token.orgId,
    userId: found.token.userId,
    role,
    customerId: role === 'customer' ? found.customerId : null,
    scopes: found.token.scopes.filter((s): s is Permission => (permissions as readonly string[]).includes(s)),
    exportClearance: found.exportClearance,
    stepUpAt: found.token.stepUpAt,
    ...client,
  });
  c.set('auth', { kind: 'token', tokenId: found.token.id });
}

async function fromOidc(
  c: Context<AppEnv>,
  deps: { db: Db; clock: Clock },
  identity: IdentityOptions,
  token: string,
  client: ReturnType<typeof clientInfo>,
) {
  try {
    const { provider, claims } = await identity.oidc.verify(token);
    const result = await oidcUser(deps, provider, claims, client);
    if ('refused' in result) throw new OidcRefusal(result.refused, provider.orgId);
    const { user, role } = result;
    c.set('actor', {
      orgId: user.orgId,
      userId: user.id,
      role,
      customerId: null,
      exportClearance: user.exportClearance,
      stepUpAt: null,
      ...client,
    });
    c.set('auth', { kind: 'oidc' });
  } catch (err) {
    if (!(err instanceof OidcRefusal)) throw err;
    // Refusals of a bound issuer's tokens are audited in its organization; strangers only get 401.
    if (err.orgId) {
      await auditAuth(deps.db, deps.clock, err.orgId, client, { action: 'auth.oidc', outcome: 'failure', details: { reason: err.reason } });
    }
    throw invalid();
  }
}
