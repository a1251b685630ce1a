import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * All settings, parsed and validated once at boot. Nothing else in Arkiv reads process.env:
 * a wrong value fails the start with a clear message instead of surfacing later.
 */
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ARKIV_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    S3_ENDPOINT: z.string().url().optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_BUCKET: z.string().default('arkiv'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: bool.default(true),
    S3_CREATE_BUCKET: bool.default(false),
    /** Development only: accept a bucket without Object Lock. Logged loudly at every start. */
    S3_ALLOW_UNLOCKED_BUCKET: bool.default(false),
    ARKIV_MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 1024 ** 3),
    ARKIV_MASTER_KEY: z.string().optional(),
    ARKIV_AUDIT_SIGNING_KEY: z.string().optional(),
    ARKIV_CHECKPOINT_CRON: z.string().default('0 * * * *'),
    /** The daily integrity slice; with the window, every object is re-hashed at least once per window. */
    ARKIV_INTEGRITY_CRON: z.string().default('15 3 * * *'),
    ARKIV_INTEGRITY_FULL_CRON: z.string().default('0 2 1 1 *'),
    ARKIV_INTEGRITY_WINDOW_DAYS: z.coerce.number().int().min(1).max(3660).default(90),
    /** The organization seal (PKCS#12 file and its passphrase) that signs integrity reports; unset: JSON reports only. */
    ARKIV_INTEGRITY_SEAL_P12: z.string().optional(),
    ARKIV_INTEGRITY_SEAL_PASSPHRASE: z.string().optional(),
    ARKIV_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
    /** The search engine: Postgres full text in the same database (default) or Meilisearch (MEILI_HOST). */
    ARKIV_SEARCH: z.enum(['postgres', 'meilisearch']).default('postgres'),
    /**
     * Searches PostgreSQL runs at once (the search pool's sessions); more wait their turn in the
     * pool. A search is CPU work on the database server: more at once than it has CPUs only adds
     * context switches (on the bench, 2 CPUs and 8 clients: 9.3 ms of PostgreSQL CPU per search on
     * 8 sessions, 6.3 on 3; p95 100 → 62 ms). Each session holds at most one more search
     * waiting behind the running one (`Database.readPool`). Default: this machine's CPUs (with
     * that one search waiting on each session, p95 of broad text searches 40 → 33–39 ms and p99
     * ~25 % lower than on CPUs + 1, on the bench); set it to the database server's CPUs when that
     * runs elsewhere.
     */
    ARKIV_SEARCH_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(availableParallelism()),
    MEILI_HOST: z.string().url().optional(),
    MEILI_API_KEY: z.string().optional(),
    /** Meilisearch index uid (letters, digits, `-`, `_`). */
    MEILI_INDEX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/)
      .default('arkiv'),
    /** Tenant-token mode: searches carry a token signed with this search-only key, scoped by Meilisearch itself. */
    MEILI_SEARCH_API_KEY: z.string().optional(),
    /** That key's uid (GET /keys), named in every tenant token. */
    MEILI_SEARCH_API_KEY_UID: z.string().uuid().optional(),
    MQTT_URL: z.string().optional(),
    ARKIV_TSA_URL: z.string().url().optional(),
    /** PEM file of extra trust anchors for POST /verify (beyond the roots of registered credentials). */
    ARKIV_TRUST_ANCHORS: z.string().optional(),
    /** Signs session cookies (32 bytes, hex or base64); generated into the data dir if unset. */
    ARKIV_SESSION_KEY: z.string().optional(),
    /** Believe X-Forwarded-For for the client address: only behind a proxy that overwrites it. */
    ARKIV_TRUST_PROXY: bool.default(false),
    /** Base URL of the portal, used in the magic links Arkiv hands out. */
    ARKIV_PUBLIC_URL: z.string().url().optional(),
    OIDC_ISSUER: z.string().url().optional(),
    OIDC_AUDIENCE: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.ARKIV_SEARCH === 'meilisearch' && !c.MEILI_HOST) {
      ctx.addIssue({ code: 'custom', message: 'ARKIV_SEARCH=meilisearch needs MEILI_HOST' });
    }
    if (!c.MEILI_SEARCH_API_KEY !== !c.MEILI_SEARCH_API_KEY_UID) {
      ctx.addIssue({ code: 'custom', message: 'MEILI_SEARCH_API_KEY and MEILI_SEARCH_API_KEY_UID go together (tenant-token mode)' });
    }
    if (c.S3_ENDPOINT && (!c.S3_ACCESS_KEY_ID || !c.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', message: 'S3_ENDPOINT needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY' });
    }
  });

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings (e.g. `DATABASE_URL=` in a .env file) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
