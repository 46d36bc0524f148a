/**
 * Every error code the hub's native API answers with, and the status that goes with it.
 * The server raises them; the SDK turns them into error classes. One list, both sides.
 */
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  invalid_signature: 400,
  unauthorized: 401,
  invalid_token: 401,
  token_expired: 401,
  invalid_credentials: 401,
  insufficient_credits: 402,
  forbidden: 403,
  insufficient_scope: 403,
  model_not_allowed: 403,
  spend_cap_reached: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  conflict: 409,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  balance_limit_exceeded: 422,
  amount_out_of_range: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  not_implemented: 501,
  upstream_error: 502,
  payments_not_configured: 503,
  service_unavailable: 503,
  upstream_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error answer on the native API. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    /** Extra facts: invalid fields, amounts, ... */
    details?: Record<string, unknown>;
  };
}
