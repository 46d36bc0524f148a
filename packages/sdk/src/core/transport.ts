import { attemptController, sleep } from './abort.js';
import { isRetryableStatus, retryDelayMs } from './backoff.js';
import {
  APIConnectionError,
  APIUserAbortError,
  errorFromResponse,
  type HubAPIError,
  TimeoutError,
} from './errors.js';
import { newIdempotencyKey } from './idempotency-key.js';
import type { CredentialsProvider, HubResponse, RequestOptions, RequestSpec } from './request-options.js';

/** What a retry is about to do: shown by `onRetry` (a UI can say "rate limited, retrying in 2 s"). */
export interface RetryInfo {
  /** The retry about to be sent: 1 for the first retry. */
  attempt: number;
  /** Milliseconds the SDK waits before sending it (the hub's `Retry-After`, or backoff). */
  waitMs: number;
  /** The status that failed (429, 503, ...); undefined for a connection error or timeout. */
  status: number | undefined;
  /** The error of the attempt that failed. */
  error: HubAPIError;
}

/** The default of `maxRetryWait`: a call waits at most this long in total between its attempts. */
export const DEFAULT_MAX_RETRY_WAIT_MS = 10_000;

export interface TransportConfig {
  baseURL: string;
  timeout: number;
  maxRetries: number;
  /**
   * The most milliseconds one call spends waiting between attempts, all retries together. A wait
   * that would pass it is not made: the error goes to the caller at once (a `RateLimitError`
   * carries the hub's `retryAfter`).
   */
  maxRetryWait: number;
  /** Called before each wait for a retry. */
  onRetry?: (info: RetryInfo) => void;
  fetch: typeof fetch;
  headers: Record<string, string>;
  credentials: CredentialsProvider;
}

/**
 * Sends one logical call: builds the request, retries with backoff on connection errors,
 * timeouts, 429 and 5xx (honouring `Retry-After`, within `maxRetryWait` in total), retries once
 * after a 401 that a token refresh fixed, and turns every failure into a {@link HubAPIError}.
 */
export class Transport {
  constructor(readonly config: TransportConfig) {}

  /** Sends a call and resolves with its parsed JSON body. */
  async json<T>(spec: RequestSpec, options?: RequestOptions): Promise<T> {
    return (await this.request<T>(spec, options)).data;
  }

  async request<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<HubResponse<T>> {
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const idempotencyKey = spec.idempotent ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    let refreshed = false;
    let waited = 0;
    for (let retry = 0; ; retry++) {
      const outcome = await this.attempt<T>(spec, options, idempotencyKey);
      if ('data' in outcome) return outcome;
      const { error, sent } = outcome;
      if (error.status === 401 && sent && !refreshed && (await this.config.credentials.recover(sent))) {
        refreshed = true;
        retry--;
        continue;
      }
      const retryable =
        error.status === undefined
          ? !(error instanceof APIUserAbortError)
          : isRetryableStatus(error.status, error.headers ?? new Headers());
      const delay = retryable && retry < maxRetries ? retryDelayMs(retry, error.headers) : undefined;
      if (delay === undefined || waited + delay > this.config.maxRetryWait) throw error;
      waited += delay;
      this.config.onRetry?.({ attempt: retry + 1, waitMs: delay, status: error.status, error });
      await sleep(delay, options.signal);
    }
  }

  private async attempt<T>(
    spec: RequestSpec,
    options: RequestOptions,
    idempotencyKey: string | undefined,
  ): Promise<HubResponse<T> | { error: HubAPIError; sent: string | undefined }> {
    const sent = spec.anonymous ? undefined : await this.config.credentials.authorization();
    const headers: Record<string, string> = {
      accept: spec.stream ? 'text/event-stream' : 'application/json',
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (sent) headers.authorization = sent;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    Object.assign(headers, this.config.headers, options.headers);

    const attempt = attemptController(options.signal, options.timeout ?? this.config.timeout);
    const fail = (error: HubAPIError) => {
      attempt.dispose();
      return { error, sent };
    };
    let response: Response;
    try {
      response = await this.config.fetch(this.url(spec), {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: attempt.controller.signal,
      });
    } catch (cause) {
      return fail(this.networkError(cause, options.signal, attempt.timedOut));
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    const abort = () => attempt.controller.abort();
    try {
      if (!response.ok) {
        const text = await response.text();
        return fail(errorFromResponse(response.status, parseJson(text), response.headers));
      }
      if (spec.stream) {
        attempt.clearTimer();
        return { data: response as T, response, requestId, abort };
      }
      const text = await response.text();
      attempt.dispose();
      return { data: (text ? JSON.parse(text) : undefined) as T, response, requestId, abort };
    } catch (cause) {
      if (cause instanceof SyntaxError) {
        attempt.dispose();
        throw new APIConnectionError(`The hub answered with invalid JSON: ${cause.message}`, {
          cause,
          requestId,
        });
      }
      return fail(this.networkError(cause, options.signal, attempt.timedOut));
    }
  }

  private url(spec: RequestSpec): string {
    const url = `${this.config.baseURL.replace(/\/+$/, '')}${spec.path}`;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== null) query.set(key, String(value));
    }
    const search = query.toString();
    return search ? `${url}?${search}` : url;
  }

  private networkError(cause: unknown, signal: AbortSignal | undefined, timedOut: boolean): HubAPIError {
    if (signal?.aborted) return new APIUserAbortError(undefined, { cause });
    if (timedOut) return new TimeoutError(undefined, { cause });
    // Node's fetch hides the reason (ECONNREFUSED, ...) one level down.
    const reason = (cause as { cause?: { code?: string } })?.cause?.code;
    const message = `${(cause as Error)?.message ?? cause}${reason ? ` (${reason})` : ''}`;
    return new APIConnectionError(`Connection error: ${message}`, { cause });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
