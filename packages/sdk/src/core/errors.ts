import type { ErrorCode } from '../wire/errors.js';

/** What every hub error carries besides its message. */
export interface HubErrorInit {
  /** The HTTP status; undefined when no answer came (connection error, timeout, abort). */
  status?: number;
  /** The hub's stable error code (`insufficient_credits`, ...); `connection_error`, `timeout`, `aborted` client-side. */
  code: ErrorCode | (string & {});
  /** The id the hub logged the request under (`x-request-id`), to quote in a bug report. */
  requestId?: string;
  /** Extra facts from the envelope: invalid fields, amounts, ... */
  details?: Record<string, unknown>;
  /** The response headers, when there was a response. */
  headers?: Headers;
  cause?: unknown;
}

/** The base of every error the SDK throws: `catch (e) { if (e instanceof HubAPIError) ... }`. */
export class HubAPIError extends Error {
  override name = 'HubAPIError';
  readonly status: number | undefined;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Headers | undefined;

  constructor(message: string, init: HubErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.headers = init.headers;
  }
}

/** 400/422: the request was invalid; `details.issues` lists the fields. */
export class ValidationError extends HubAPIError {
  override name = 'ValidationError';
}
/** 401: missing, wrong or expired credentials (after the SDK's one refresh attempt). */
export class AuthenticationError extends HubAPIError {
  override name = 'AuthenticationError';
}
/** 403: authenticated, but not allowed to do this. */
export class PermissionDeniedError extends HubAPIError {
  override name = 'PermissionDeniedError';
}
/** 404: no such resource (or route). */
export class NotFoundError extends HubAPIError {
  override name = 'NotFoundError';
}
/** 409: the request conflicts with the current state (e.g. `email_taken`). */
export class ConflictError extends HubAPIError {
  override name = 'ConflictError';
}

/** 402: the available balance does not cover the request. Amounts are in credits. */
export class InsufficientCreditsError extends HubAPIError {
  override name = 'InsufficientCreditsError';
  /** Credits the request needed (its worst-case cost), when the hub said. */
  readonly required: number | undefined;
  /** Credits available (balance minus holds), when the hub said. */
  readonly available: number | undefined;
  constructor(message: string, init: HubErrorInit) {
    super(message, init);
    this.required = numberOrUndefined(init.details?.required);
    this.available = numberOrUndefined(init.details?.available);
  }
}

/** 429: too many requests; `retryAfter` is in seconds (from `Retry-After`) when the hub said. */
export class RateLimitError extends HubAPIError {
  override name = 'RateLimitError';
  readonly retryAfter: number | undefined;
  constructor(message: string, init: HubErrorInit) {
    super(message, init);
    this.retryAfter = retryAfterSeconds(init.headers);
  }
}

/** 5xx: the hub or the model provider behind it failed. */
export class InternalServerError extends HubAPIError {
  override name = 'InternalServerError';
}

/** No answer: DNS, refused connection, reset socket, CORS, ... */
export class APIConnectionError extends HubAPIError {
  override name = 'APIConnectionError';
  constructor(message = 'Connection error', init: Partial<HubErrorInit> = {}) {
    super(message, { code: 'connection_error', ...init });
  }
}
/** The call took longer than its `timeout`. */
export class TimeoutError extends APIConnectionError {
  override name = 'TimeoutError';
  constructor(message = 'Request timed out', init: Partial<HubErrorInit> = {}) {
    super(message, { code: 'timeout', ...init });
  }
}
/** The caller aborted the call through its `AbortSignal` (or by leaving a stream early). */
export class APIUserAbortError extends HubAPIError {
  override name = 'APIUserAbortError';
  constructor(message = 'Request was aborted', init: Partial<HubErrorInit> = {}) {
    super(message, { code: 'aborted', ...init });
  }
}

type ErrorClass = new (message: string, init: HubErrorInit) => HubAPIError;

const BY_STATUS: Record<number, ErrorClass> = {
  400: ValidationError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: ValidationError,
  429: RateLimitError,
};

/**
 * The one place a failed answer becomes an error: reads the native envelope
 * (`{ error: { code, message, requestId, details } }`) or an OpenAI-style body
 * (`{ error: { message, type, code } }`), and picks the class by status.
 */
export function errorFromResponse(status: number, body: unknown, headers: Headers): HubAPIError {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  const raw = typeof error === 'object' && error !== null ? error : {};
  const code = stringOr(raw.code, stringOr(raw.type, `http_${status}`));
  const message = stringOr(raw.message, typeof body === 'string' && body ? body : `HTTP ${status}`);
  const details =
    typeof raw.details === 'object' && raw.details !== null
      ? (raw.details as Record<string, unknown>)
      : undefined;
  const requestId = stringOr(raw.requestId, headers.get('x-request-id') ?? '') || undefined;
  const ErrorType = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : HubAPIError);
  return new ErrorType(message, { status, code, requestId, details, headers });
}

/** Seconds to wait from `Retry-After` (seconds or an HTTP date) or `retry-after-ms`; undefined if absent. */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
