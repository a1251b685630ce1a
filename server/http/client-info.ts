import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { ClientInfo } from '../../archive/identity/auth-audit.js';

/**
 * The client's address and user agent, for throttling and the audit trail. `X-Forwarded-For` is
 * believed only when configured (behind a proxy that overwrites it): otherwise any client could
 * pick a fresh address per request and walk around every per-address limit.
 */
export function clientInfo(c: Context, trustProxy: boolean): ClientInfo {
  return { ip: clientIp(c, trustProxy), userAgent: c.req.header('user-agent') ?? null };
}

function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) return first;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() has no socket
  }
}
