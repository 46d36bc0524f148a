import type { ErrorCode } from '@smart-ai-hub/sdk';

/**
 * An error a user may see: a stable `code`, the HTTP status that fits it, and a message that
 * says what was wrong. Every error response of the native API is built from one of these.
 */
export class HubError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** Extra, safe-to-show facts (the invalid fields, the amounts missing, ...). */
    readonly details?: Record<string, unknown>,
    /** Seconds, sent as `Retry-After` (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new HubError(400, 'validation_error', message, details);
export const unauthorized = (
  message = 'Authentication required: send Authorization: Bearer <token or API key>',
) => new HubError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HubError(403, 'forbidden', message);
export const notFound = (what: string) => new HubError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HubError(409, 'conflict', message);
