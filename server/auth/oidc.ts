import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Clock } from '../../core/clock.js';

/**
 * Only asymmetric algorithms: a symmetric (HS*) token could be forged by anyone holding the key
 * material we verify with, e.g. an HS256 token "signed" with the issuer's public key; `none` is
 * no signature at all. jose refuses any algorithm outside this list before it touches a key.
 */
export const OIDC_ALGORITHMS = ['RS256', 'ES256', 'PS256'];
/** Clocks of issuer and server drift; 30 s keeps a just-issued token valid, and no more. */
export const CLOCK_SKEW_S = 30;
const DISCOVERY_TTL_MS = 60 * 60_000;

export interface OidcProvider {
  orgId: string;
  issuer: string;
  audience: string;
}

export interface OidcIdentity<P extends OidcProvider> {
  provider: P;
  claims: JWTPayload;
}

/** A refused token, with the reason kept for the audit trail (the caller only sees 401). */
export class OidcRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly orgId: string | null = null,
  ) {
    super(`OIDC token refused: ${reason}`);
  }
}

export interface OidcVerifier<P extends OidcProvider> {
  verify(token: string): Promise<OidcIdentity<P>>;
}

type Jwks = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies OIDC access/ID tokens against the JWKS of the issuer they name, but only issuers an
 * administrator bound to an organization (identity_providers): the token's own `iss` chooses
 * which keys to trust, so an unbound issuer must be refused before anything is fetched.
 */
export function createOidcVerifier<P extends OidcProvider>(deps: {
  clock: Clock;
  findProvider: (issuer: string) => Promise<P | null>;
}): OidcVerifier<P> {
  const cache = new Map<string, { jwks: Jwks; at: number }>();

  async function jwksFor(issuer: string): Promise<Jwks> {
    const hit = cache.get(issuer);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.jwks;
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new OidcRefusal(`discovery answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // The discovery document must name the same issuer (OpenID Connect Discovery §4.3).
    if (doc.issuer !== issuer || typeof doc.jwks_uri !== 'string') throw new OidcRefusal('discovery document does not match the issuer');
    const jwks = createRemoteJWKSet(new URL(doc.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    cache.set(issuer, { jwks, at: Date.now() });
    return jwks;
  }

  return {
    async verify(token) {
      let issuer: string | undefined;
      try {
        issuer = decodeJwt(token).iss;
      } catch {
        throw new OidcRefusal('malformed token');
      }
      if (!issuer) throw new OidcRefusal('no issuer');
      const provider = await deps.findProvider(issuer);
      if (!provider) throw new OidcRefusal('issuer not bound to any organization');
      try {
        const { payload } = await jwtVerify(token, await jwksFor(issuer), {
          issuer: provider.issuer,
          audience: provider.audience,
          algorithms: OIDC_ALGORITHMS,
          clockTolerance: CLOCK_SKEW_S,
          currentDate: deps.clock.now(),
          requiredClaims: ['exp', 'sub'],
        });
        return { provider, claims: payload };
      } catch (err) {
        if (err instanceof OidcRefusal) throw new OidcRefusal(err.reason, provider.orgId);
        throw new OidcRefusal(refusalReason(err), provider.orgId);
      }
    },
  };
}

function refusalReason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim ${err.claim} invalid`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWKSNoMatchingKey) return 'unknown key id';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JOSEError) return err.code;
  return 'verification failed';
}
