import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The database schema. Every tenant row carries `org_id`; customer-visible rows also carry
 * `customer_id`. Append-only tables (revisions, audit entries, checkpoints) are protected by
 * triggers in the hand-written migration 0001.
 */
/** A Postgres `tsvector`: written by the search adapter with `setweight(to_tsvector(...))`. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role').notNull(),
    customerId: uuid('customer_id'),
    /** scrypt hash (local accounts, embedded default); null for OIDC and token-only users. */
    passwordHash: text('password_hash'),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** TOTP secret, AES-256-GCM under the master key; never returned by the API. */
    totpSecretEnc: text('totp_secret_enc'),
    totpConfirmedAt: timestamp('totp_confirmed_at', { withTimezone: true, mode: 'date' }),
    /** Last accepted TOTP time step: a code is never accepted twice. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Export-control clearance: needed to see documents flagged export-controlled. */
    exportClearance: boolean('export_clearance').notNull().default(false),
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_org_email').on(t.orgId, t.email)],
);

export const identityProviders = pgTable('identity_providers', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organizations.id),
  issuer: text('issuer').notNull().unique(),
  audience: text('audience').notNull(),
  /** Claim holding group/role names, e.g. `groups` or `roles`. */
  rolesClaim: text('roles_claim').notNull().default('roles'),
  /** Claim value → Arkiv role; the first match in role order wins. */
  roleMap: jsonb('role_map').notNull().default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    customerId: uuid('customer_id'),
    orderId: uuid('order_id'),
    via: text('via').notNull(),
    csrfHash: text('csrf_hash').notNull(),
    stepUpAt: timestamp('step_up_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user').on(t.orgId, t.userId)],
);

export const magicLinks = pgTable(
  'magic_links',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    orderId: uuid('order_id'),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedReason: text('revoked_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('magic_links_customer').on(t.orgId, t.customerId)],
);

/** Failed-attempt counters per client address or account, for throttling and blocking. */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true, mode: 'date' }),
});

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    /** SHA-256 of the secret; the secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role').notNull(),
    /** Permissions this token is limited to (empty = everything its role allows). */
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    /** Last TOTP step-up made with this token: a short-lived grant for signing and legal holds. */
    stepUpAt: timestamp('step_up_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [index('api_tokens_org').on(t.orgId)],
);

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    code: text('code'),
    createdAt: createdAt(),
  },
  (t) => [index('customers_org_id').on(t.orgId, t.id), uniqueIndex('customers_org_code').on(t.orgId, t.code)],
);

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    number: text('number').notNull(),
    title: text('title'),
    status: text('status').notNull().default('open'),
    createdAt: createdAt(),
  },
  (t) => [index('orders_org_id').on(t.orgId, t.id), uniqueIndex('orders_org_number').on(t.orgId, t.number)],
);

export const artifacts = pgTable(
  'artifacts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    contentType: text('content_type').notNull(),
    storageKey: text('storage_key').notNull(),
    versionId: text('version_id'),
    docClass: text('doc_class').notNull(),
    retentionMode: text('retention_mode').notNull(),
    retainUntil: timestamp('retain_until', { withTimezone: true, mode: 'date' }).notNull(),
    legalHold: boolean('legal_hold').notNull().default(false),
    /** Set when the object was removed from the store after its retention ended. */
    disposedAt: timestamp('disposed_at', { withTimezone: true, mode: 'date' }),
    /** When an integrity run last re-read and re-hashed the stored bytes (fixity coverage). */
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('artifacts_org_sha256').on(t.orgId, t.sha256)],
);

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    customerId: uuid('customer_id').references(() => customers.id),
    orderId: uuid('order_id').references(() => orders.id),
    docClass: text('doc_class').notNull(),
    title: text('title').notNull(),
    published: boolean('published').notNull().default(false),
    exportControlled: boolean('export_controlled').notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('documents_org_id').on(t.orgId, t.id),
    index('documents_org_order').on(t.orgId, t.orderId),
    // Searches without export clearance read the organization's export-controlled documents.
    index('documents_export_controlled').on(t.orgId, t.id).where(sql`${t.exportControlled}`),
  ],
);

export const documentRevisions = pgTable(
  'document_revisions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    revisionNo: integer('revision_no').notNull(),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('document_revisions_doc_no').on(t.documentId, t.revisionNo)],
);

export const auditEntries = pgTable(
  'audit_entries',
  {
    orgId: uuid('org_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    formatVersion: integer('format_version').notNull(),
    /** UTC ISO-8601 text, exactly as hashed: a timestamptz would not round-trip its precision. */
    at: text('at').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    outcome: text('outcome').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: text('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.seq] })],
);

export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    signedAt: text('signed_at').notNull(),
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
    objectKey: text('object_key').notNull(),
    versionId: text('version_id'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_checkpoints_org_seq').on(t.orgId, t.seq)],
);

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id'),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedAt: timestamp('locked_at', { withTimezone: true, mode: 'date' }),
    progress: jsonb('progress'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('jobs_claim').on(t.status, t.runAt)],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: uuid('org_id').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] })],
);

export const legalHoldEvents = pgTable('legal_hold_events', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  artifactId: uuid('artifact_id')
    .notNull()
    .references(() => artifacts.id),
  on: boolean('on').notNull(),
  reason: text('reason').notNull(),
  actorId: text('actor_id').notNull(),
  createdAt: createdAt(),
});

/**
 * A signatory's signing key, registered by an admin and bound to one user. The private key is
 * sealed (AES-256-GCM under the master key, bound to the row id) and never leaves the server.
 * Revocation is a timestamp, so signatures made earlier still name the credential they used.
 */
export const signingCredentials = pgTable(
  'signing_credentials',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    subject: text('subject').notNull(),
    certSha256: text('cert_sha256').notNull(),
    /** Signer certificate first, then its issuers, as PEM. */
    chainPem: text('chain_pem').notNull(),
    privateKeyEnc: text('private_key_enc').notNull(),
    notAfter: timestamp('not_after', { withTimezone: true, mode: 'date' }).notNull(),
    allowedDocClasses: text('allowed_doc_classes').array().notNull().default(sql`'{}'::text[]`),
    /** Customers this credential may sign for; empty means all of the organization's. */
    allowedCustomerIds: uuid('allowed_customer_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('signing_credentials_user').on(t.orgId, t.userId)],
);

/** One row per act of signing (21 CFR Part 11 style: who, what, when, meaning). Append-only. */
export const signatures = pgTable(
  'signatures',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    signedRevisionNo: integer('signed_revision_no').notNull(),
    newRevisionNo: integer('new_revision_no').notNull(),
    signerUserId: uuid('signer_user_id')
      .notNull()
      .references(() => users.id),
    credentialId: uuid('credential_id')
      .notNull()
      .references(() => signingCredentials.id),
    /** The meaning of the signature (e.g. "Approved"), as written into the PDF's /Reason. */
    reason: text('reason').notNull(),
    location: text('location'),
    level: text('level').notNull(),
    artifactSha256: text('artifact_sha256').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('signatures_document').on(t.orgId, t.documentId)],
);

/**
 * What the signature verifier said about an archived PDF when it arrived (and on later runs).
 * Append-only: a re-verification is a new row, so the original verdict stays on record.
 */
export const signatureVerifications = pgTable(
  'signature_verifications',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id),
    verifierVersion: text('verifier_version').notNull(),
    signatureCount: integer('signature_count').notNull(),
    valid: boolean('valid').notNull(),
    report: jsonb('report').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('signature_verifications_artifact').on(t.orgId, t.artifactId)],
);

/** One integrity (fixity) run over an organization's archive; resumable from `cursor`. */
export const integrityRuns = pgTable(
  'integrity_runs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    /** full | slice | on_demand */
    scope: text('scope').notNull(),
    /** running | succeeded | failed */
    status: text('status').notNull(),
    requestedBy: text('requested_by').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    /** Where a resumed run continues (e.g. the last artifact id verified, pass name). */
    cursor: jsonb('cursor'),
    /** objects, bytes, expected totals, ETA — for the API, SSE and /metrics. */
    progress: jsonb('progress'),
    summary: jsonb('summary'),
    reportArtifactId: uuid('report_artifact_id').references(() => artifacts.id),
  },
  (t) => [index('integrity_runs_org').on(t.orgId, t.startedAt)],
);

/** What a run found. Append-only: a finding is evidence and is never edited away. */
export const integrityFindings = pgTable(
  'integrity_findings',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    runId: uuid('run_id')
      .notNull()
      .references(() => integrityRuns.id),
    kind: text('kind').notNull(),
    artifactId: uuid('artifact_id'),
    objectKey: text('object_key'),
    versionId: text('version_id'),
    message: text('message').notNull(),
    details: jsonb('details'),
    createdAt: createdAt(),
  },
  (t) => [index('integrity_findings_run').on(t.runId)],
);

/**
 * What the extractor read from an archived PDF. Append-only: a re-extraction (new extractor
 * version) is a new row and a human correction is a `field_reviews` row, so the machine's reading
 * stays on record beside the human's. A failed extraction is a row too (`error`), so a hostile or
 * broken PDF is recorded once instead of retried forever.
 */
export const extractions = pgTable(
  'extractions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id),
    /** The job that produced it: a job run twice (crash after commit) stores one row. */
    jobId: uuid('job_id'),
    extractorVersion: text('extractor_version').notNull(),
    docClass: text('doc_class'),
    certType: text('cert_type'),
    source: text('source'),
    /** Lowest field confidence; below the auto-accept threshold the document needs review. */
    minConfidence: real('min_confidence'),
    result: jsonb('result'),
    /** `{code, message}` when extraction failed (encrypted, malformed, timeout …). */
    error: jsonb('error'),
    /** The document's plain text as read (text layer or OCR), for full-text search; capped. */
    text: text('text'),
    createdAt: createdAt(),
  },
  (t) => [index('extractions_artifact').on(t.orgId, t.artifactId, t.createdAt), uniqueIndex('extractions_job').on(t.jobId)],
);

/** A controller's confirmation or correction of one extracted field. Append-only. */
export const fieldReviews = pgTable(
  'field_reviews',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    extractionId: uuid('extraction_id')
      .notNull()
      .references(() => extractions.id),
    field: text('field').notNull(),
    /** confirm | correct */
    action: text('action').notNull(),
    /** The corrected value (for `confirm`, the value confirmed). */
    value: jsonb('value'),
    reviewer: text('reviewer').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('field_reviews_extraction').on(t.orgId, t.extractionId, t.createdAt)],
);

/**
 * Promoted fields of an artifact's current extraction, with reviews applied: a projection of
 * `extractions` + `field_reviews`, rebuilt whenever either grows (one row per artifact), so
 * search and joins never have to work out which reading is current. It holds no evidence of
 * its own: it can always be recomputed from the append-only tables.
 */
export const certificateRecords = pgTable(
  'certificate_records',
  {
    artifactId: uuid('artifact_id')
      .primaryKey()
      .references(() => artifacts.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    extractionId: uuid('extraction_id')
      .notNull()
      .references(() => extractions.id),
    docClass: text('doc_class'),
    certType: text('cert_type'),
    documentNumber: text('document_number'),
    issueDate: date('issue_date', { mode: 'string' }),
    manufacturer: text('manufacturer'),
    purchaser: text('purchaser'),
    poNumber: text('po_number'),
    product: text('product'),
    grade: text('grade'),
    materialStandards: text('material_standards').array().notNull().default(sql`'{}'::text[]`),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('certificate_records_po').on(t.orgId, t.poNumber), index('certificate_records_doc_no').on(t.orgId, t.documentNumber)],
);

/** Heat numbers of an artifact's current extraction (child of `certificate_records`), for search. */
export const heatNumbers = pgTable(
  'heat_numbers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    extractionId: uuid('extraction_id')
      .notNull()
      .references(() => extractions.id),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => certificateRecords.artifactId),
    heatNumber: text('heat_number').notNull(),
  },
  (t) => [index('heat_numbers_search').on(t.orgId, t.heatNumber), index('heat_numbers_artifact').on(t.artifactId)],
);

/**
 * The search index kept in Postgres (the default search adapter): one row per document revision,
 * or per artifact not (yet) filed under a document (`key` tells which). It is a projection of
 * documents, revisions and the current extraction, rebuilt by indexing jobs and
 * `arkiv search reindex`; it holds no evidence of its own. It carries the scope columns
 * (organization, customer, order, publication) so every query can be filtered by them, and a
 * superseded revision stays indexed with `superseded` set instead of being dropped.
 */
export const searchEntries = pgTable(
  'search_entries',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    /** `rev:<documentId>:<revisionNo>` or `art:<artifactId>`: one entry per key. */
    key: text('key').notNull(),
    customerId: uuid('customer_id'),
    orderId: uuid('order_id'),
    documentId: uuid('document_id'),
    revisionNo: integer('revision_no'),
    artifactId: uuid('artifact_id').notNull(),
    extractionId: uuid('extraction_id'),
    published: boolean('published').notNull().default(false),
    superseded: boolean('superseded').notNull().default(false),
    docClass: text('doc_class'),
    certType: text('cert_type'),
    title: text('title'),
    documentNumber: text('document_number'),
    poNumber: text('po_number'),
    grade: text('grade'),
    /** Family of the grade (e.g. "duplex", "austenitic"), for the facet. */
    gradeFamily: text('grade_family'),
    /** Canonical names of the grade and its equivalents, so any one name finds the others. */
    gradeKeys: text('grade_keys').array().notNull().default(sql`'{}'::text[]`),
    heatNumbers: text('heat_numbers').array().notNull().default(sql`'{}'::text[]`),
    tagNumbers: text('tag_numbers').array().notNull().default(sql`'{}'::text[]`),
    materialStandards: text('material_standards').array().notNull().default(sql`'{}'::text[]`),
    issueDate: date('issue_date', { mode: 'string' }),
    issueYear: integer('issue_year'),
    /** Identifiers (heat, PO, certificate, tag numbers) joined by spaces, upper-cased, for pg_trgm. */
    identifiers: text('identifiers').notNull().default(''),
    /**
     * The identifiers without separators ("21-43567" → "2143567"), for infix search through the
     * scoped trigram index: stored, so a candidate's recheck is a LIKE on a short column instead
     * of a regular expression per row (7 ms of a 12 ms heat search with 1,300 candidates).
     */
    identifiersCompact: text('identifiers_compact').generatedAlwaysAs(sql`regexp_replace(identifiers, '[^[:alnum:] ]', '', 'g')`),
    body: text('body').notNull().default(''),
    /** Weighted, with positions: phrase queries ("M-650", quoted words) are confirmed on it. */
    tsv: tsvector('tsv').notNull(),
    /**
     * The same words without positions or weights (stored out of line, one TOAST chunk): a broad
     * query walks the newest entries testing each one's words, at half the cost of the positional
     * tsvector. The GIN index is built on it (a GIN entry never holds positions anyway).
     */
    words: tsvector('words').generatedAlwaysAs(sql`strip(tsv)`),
    /** The title's words alone: "the title matches the query" ranks a hit, cheaply and through a GIN index. */
    titleTsv: tsvector('title_tsv').generatedAlwaysAs(sql`to_tsvector('simple', coalesce(title, ''))`),
    indexedAt: timestamp('indexed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('search_entries_key').on(t.orgId, t.key),
    // Scoped GIN (btree_gin): a search's organization (and customer) narrow the match inside the
    // index, instead of ANDing it with a bitmap of the organization's 60,000 entries; the issue
    // year lets a sparse word be read year by year, newest first (0013).
    index('search_entries_words_yearly').using('gin', t.orgId, t.customerId, t.issueYear, t.words),
    index('search_entries_identifiers').using('gin', t.identifiers.op('gin_trgm_ops')),
    index('search_entries_heats').using('gin', t.heatNumbers),
    index('search_entries_grades').using('gin', t.gradeKeys),
    index('search_entries_scope').on(t.orgId, t.customerId, t.orderId),
    index('search_entries_artifact').on(t.orgId, t.artifactId),
    // Filter-only searches (class, type, date) of current revisions: the grade GIN alone returns
    // every entry of a grade family, most of them filtered away afterwards.
    index('search_entries_filters').on(t.orgId, t.docClass, t.certType, t.issueDate).where(sql`not ${t.superseded}`),
    // Broad text queries walk `search_words` (its own `recent` btrees); the title's words rank a
    // match row by row: neither needs an index here any more (dropped in 0012).
  ],
);

/**
 * The words of each search entry beside the columns a search filters by, narrow and in line (no
 * body, no positional tsvector, no TOAST fetch per row): what a broad text query walks, newest
 * first, testing each entry's words until it has its matches, and ranks and counts the matches
 * from it (title words, grade, facet columns). A walked entry costs a quarter of one of
 * `search_entries`, whose words live out of line (measured with test/bench/search.ts:
 * 1,000 entries in 1.6 ms instead of 6.0). Written with its entry by the search adapter (the same
 * statement), removed with it (cascade); like the entries, a projection rebuilt by reindexing.
 */
export const searchWords = pgTable(
  'search_words',
  {
    id: uuid('id')
      .primaryKey()
      .references(() => searchEntries.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    customerId: uuid('customer_id'),
    orderId: uuid('order_id'),
    documentId: uuid('document_id'),
    published: boolean('published').notNull(),
    superseded: boolean('superseded').notNull(),
    docClass: text('doc_class'),
    certType: text('cert_type'),
    gradeFamily: text('grade_family'),
    gradeKeys: text('grade_keys').array().notNull(),
    issueDate: date('issue_date', { mode: 'string' }),
    issueYear: integer('issue_year'),
    /** `search_entries.title_tsv`: a walked match is ranked from this row alone. */
    titleTsv: tsvector('title_tsv').notNull(),
    /** `search_entries.words`, stored in line (STORAGE MAIN, see migration 0012). */
    words: tsvector('words').notNull(),
  },
  (t) => [
    index('search_words_recent').on(t.orgId, t.issueDate.desc().nullsLast(), t.id).where(sql`not ${t.superseded}`),
    index('search_words_recent_published')
      .on(t.orgId, t.customerId, t.issueDate.desc().nullsLast(), t.id)
      .where(sql`${t.published} and not ${t.superseded}`),
  ],
);

/**
 * An organization's seal: the certificate and key that sign what the organization itself issues
 * (integrity reports, sealed books), as opposed to a person's signing credential. The private key
 * is sealed like a signing credential's. The newest unrevoked one is used.
 */
export const organizationSeals = pgTable(
  'organization_seals',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    subject: text('subject').notNull(),
    certSha256: text('cert_sha256').notNull(),
    /** Seal certificate first, then its issuers, as PEM. */
    chainPem: text('chain_pem').notNull(),
    privateKeyEnc: text('private_key_enc').notNull(),
    notAfter: timestamp('not_after', { withTimezone: true, mode: 'date' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('organization_seals_org').on(t.orgId, t.createdAt)],
);
