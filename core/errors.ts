/**
 * The one error type the domain raises. `code` is a stable snake_case identifier that API
 * clients rely on; `message` is for humans. Infrastructure errors are translated into an
 * AppError at the adapter that met them, never further up.
 */
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
  | 'internal_error';

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
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = statusByCode[code];
    this.details = options?.details;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
