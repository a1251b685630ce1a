import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, isAppError } from '../../core/errors.js';
import type { Logger } from '../logger.js';

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * The single place errors become HTTP. AppErrors keep their code and message; anything else is
 * logged with its stack and answered with a bland 500: no SQL, paths or stack traces leak.
 */
export function toErrorResponse(err: unknown, c: Context, log: Logger | undefined) {
  if (isAppError(err)) {
    if (err.status >= 500) log?.error({ err, code: err.code }, 'request failed');
    return c.json(errorBody(err.code, err.message), err.status as ContentfulStatusCode);
  }
  if (isPayloadTooLarge(err)) return c.json(errorBody('payload_too_large', 'the request body is too large'), 413);
  log?.error({ err }, 'unhandled error');
  return c.json(errorBody('internal_error', 'an internal error occurred; it has been logged'), 500);
}

function isPayloadTooLarge(err: unknown): boolean {
  return err instanceof Error && err.name === 'BodyLimitError';
}

export { AppError };
