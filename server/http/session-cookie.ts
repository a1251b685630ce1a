import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify, SignJWT } from 'jose';
import type { SessionRow } from '../../archive/identity/sessions.js';

export const SESSION_COOKIE = 'arkiv_session';
/** Readable by the portal's script (not HttpOnly): it echoes it in `X-CSRF-Token`. */
export const CSRF_COOKIE = 'arkiv_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The cookie's JWT lives 15 minutes and is re-minted while in use; the session row decides the rest. */
const JWT_TTL_S = 15 * 60;
const REMINT_AFTER_S = 5 * 60;
const ISSUER = 'arkiv';
const AUDIENCE = 'arkiv-session';

export interface SessionClaims {
  sid: string;
  org: string;
  sub: string;
  iat: number;
}

export interface CookieOptions {
  sessionKey: Uint8Array;
  secureCookies: boolean;
}

export async function mintSessionJwt(key: Uint8Array, session: SessionRow, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: session.id, org: session.orgId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(session.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + JWT_TTL_S)
    .sign(key);
}

/** The claims of a cookie we issued and that has not expired; anything else is null. */
export async function readSessionJwt(key: Uint8Array, token: string, now: Date): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: now });
    const { sid, org, sub, iat } = payload;
    if (typeof sid !== 'string' || typeof org !== 'string' || typeof sub !== 'string' || typeof iat !== 'number') return null;
    return { sid, org, sub, iat };
  } catch {
    return null;
  }
}

export const shouldRemint = (claims: SessionClaims, now: Date) => now.getTime() / 1000 - claims.iat > REMINT_AFTER_S;

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/**
 * HttpOnly (no script reads the session), SameSite=Lax (no cross-site POST carries it), Secure in
 * production (never over plain HTTP). The cookie itself lasts as long as the session row; the JWT
 * inside expires sooner and is re-minted on use.
 */
export async function setSessionCookies(c: Context, opts: CookieOptions, session: SessionRow, now: Date, csrfToken?: string) {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  const base = { path: '/', sameSite: 'Lax' as const, secure: opts.secureCookies, maxAge };
  setCookie(c, SESSION_COOKIE, await mintSessionJwt(opts.sessionKey, session, now), { ...base, httpOnly: true });
  if (csrfToken) setCookie(c, CSRF_COOKIE, csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(c: Context, opts: CookieOptions) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: opts.secureCookies });
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure: opts.secureCookies });
}
