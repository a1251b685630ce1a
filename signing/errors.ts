import type { SigningRefusalCode } from '../core/errors.js';

/**
 * Stable reasons a signing request is refused. The API layer maps these onto AppError
 * (`validation_failed`/422-style) keeping `code` as the machine-readable reason; the CLI prints it.
 */
export type SigningErrorCode = SigningRefusalCode;

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
