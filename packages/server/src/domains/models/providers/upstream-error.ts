/**
 * A failed upstream call, as providers report it: the HTTP status when there was one, how long
 * the upstream asked us to wait, and whether it failed before any byte of the answer.
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /** The upstream's HTTP status, or undefined for a connection failure or timeout. */
    readonly status: number | undefined,
    readonly options: { retryAfterMs?: number; timeout?: boolean } = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }

  get timeout(): boolean {
    return this.options.timeout === true;
  }
}

/** Statuses worth trying again (or elsewhere): rate limits, timeouts, conflicts, server errors. */
export function isRetryable(error: UpstreamError): boolean {
  const { status } = error;
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The request itself is wrong (the client's fault): neither a retry nor another deployment helps. */
export function isClientFault(error: UpstreamError): boolean {
  return error.status === 400 || error.status === 413 || error.status === 422;
}

/** Reads `retry-after-ms` / `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(get: (name: string) => string | null | undefined): number | undefined {
  const ms = get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
