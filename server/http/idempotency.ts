import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Db } from '../../archive/db.js';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '../../archive/idempotency.js';
import { inTenant } from '../../archive/tenancy.js';
import { AppError } from '../../core/errors.js';
import type { AppEnv } from './env.js';

/**
 * Runs a write at most once per `Idempotency-Key` (when the client sends one) and replays the
 * stored JSON answer to retries. `fingerprintParts` identify the request, so reusing a key for
 * something else is caught.
 */
export async function withIdempotency(
  c: Context<AppEnv>,
  db: Db,
  fingerprintParts: unknown[],
  run: () => Promise<{ status: ContentfulStatusCode; body: unknown }>,
): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (!key) {
    const result = await run();
    return c.json(result.body as object, result.status);
  }
  if (key.length > 255) throw new AppError('bad_request', 'Idempotency-Key is too long');
  const actor = c.get('actor');
  const orgId = actor.orgId;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([c.req.method, c.req.path, ...fingerprintParts]))
    .digest('hex');
  const claim = await inTenant(db, actor, (tx) => claimIdempotencyKey(tx, orgId, key, fingerprint));
  if (claim.kind === 'replay') {
    c.header('Idempotent-Replayed', 'true');
    return c.json(claim.response as object, claim.status as ContentfulStatusCode);
  }
  try {
    const result = await run();
    await inTenant(db, actor, (tx) => completeIdempotencyKey(tx, orgId, key, result.status, result.body));
    return c.json(result.body as object, result.status);
  } catch (err) {
    await inTenant(db, actor, (tx) => releaseIdempotencyKey(tx, orgId, key));
    throw err;
  }
}
