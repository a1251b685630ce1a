/**
 * Stable reasons a signing request is refused. The API layer maps these onto AppError
 * (`validation_failed`/422-style) keeping `code` as the machine-readable reason; the CLI prints it.
 */
export type SigningErrorCode =
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'certificate_key_usage'
  | 'certificate_key_mismatch'
  | 'unsupported_key'
  | 'credential_unreadable'
  | 'pdf_unreadable'
  | 'pdf_encrypted'
  | 'pdf_certified_no_changes'
  | 'signature_too_large'
  | 'tsa_failed';

export class SigningError extends Error {
  constructor(
    readonly code: SigningErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SigningError';
  }
}

export const isSigningError = (err: unknown): err is SigningError => err instanceof SigningError;
