/**
 * The one error type the domain raises. `code` is a stable snake_case identifier that API
 * clients rely on; `message` is for humans. Infrastructure errors are translated into an
 * AppError at the adapter that met them, never further up.
 */
/**
 * Why the signing core refuses a credential or a PDF (signing/errors.ts throws these); the API
 * answers them 422 with the same code. Listed once, here, so both layers share one vocabulary.
 */
export const signingRefusalCodes = [
  'certificate_expired',
  'certificate_not_yet_valid',
  'certificate_key_usage',
  'certificate_key_mismatch',
  'unsupported_key',
  'credential_unreadable',
  'pdf_unreadable',
  'pdf_encrypted',
  'pdf_certified_no_changes',
  'signature_too_large',
  'tsa_failed',
] as const;
export type SigningRefusalCode = (typeof signingRefusalCodes)[number];

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_failed'
  | 'step_up_required'
  | 'too_many_requests'
  | 'not_found'
  | 'conflict'
  | 'digest_mismatch'
  | 'payload_too_large'
  | 'retention_locked'
  | 'legal_hold_active'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'range_not_satisfiable'
  | 'upload_aborted'
  | 'store_unavailable'
  | 'store_integrity_failure'
  | 'service_unavailable'
  | 'internal_error'
  // Signing: the core's refusals (above) plus the act's preconditions.
  | SigningRefusalCode
  | 'tsa_not_configured'
  | 'no_signing_credential'
  | 'signing_not_permitted';

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  step_up_required: 403,
  too_many_requests: 429,
  not_found: 404,
  conflict: 409,
  digest_mismatch: 400,
  payload_too_large: 413,
  retention_locked: 409,
  legal_hold_active: 409,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  range_not_satisfiable: 416,
  upload_aborted: 400,
  store_unavailable: 503,
  store_integrity_failure: 500,
  service_unavailable: 503,
  internal_error: 500,
  ...(Object.fromEntries(signingRefusalCodes.map((c) => [c, 422])) as Record<SigningRefusalCode, number>),
  tsa_not_configured: 400,
  no_signing_credential: 403,
  signing_not_permitted: 403,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    /** `status` overrides the code's usual status where the same reason means a different failure (a bad upload is 400). */
    options?: { cause?: unknown; details?: Record<string, unknown>; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options?.status ?? statusByCode[code];
    this.details = options?.details;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
