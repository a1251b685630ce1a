/**
 * Meilisearch tenant tokens: a JWT signed (HS256) with a search API key, carrying the key's uid
 * (`apiKeyUid`), an expiry and `searchRules` whose filter Meilisearch itself ANDs into every search
 * made with the token. In tenant-token mode the scope is enforced twice: by the filter Arkiv sends
 * and by the engine from the signed token, so a bug on one side still cannot widen a search.
 */
import { SignJWT } from 'jose';

export interface TenantTokenOptions {
  /** A Meilisearch API key with the `search` action on the index (never the master key). */
  searchApiKey: string;
  /** That key's `uid` (GET /keys), which Meilisearch uses to find the key that signed the token. */
  searchApiKeyUid: string;
  /** Lifetime of one token; each search signs a fresh one. */
  ttlSeconds?: number;
}

export async function tenantToken(
  options: TenantTokenOptions,
  indexUid: string,
  scopeFilterExpression: string,
  now = Date.now(),
): Promise<string> {
  const exp = Math.floor(now / 1000) + (options.ttlSeconds ?? 60);
  return new SignJWT({ searchRules: { [indexUid]: { filter: scopeFilterExpression } }, apiKeyUid: options.searchApiKeyUid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(options.searchApiKey));
}
