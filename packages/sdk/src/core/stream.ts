import { ERROR_STATUS, type ErrorCode } from '../wire/errors.js';
import { APIConnectionError, APIUserAbortError, errorFromResponse, type HubAPIError } from './errors.js';
import type { HubResponse } from './request-options.js';
import { readServerSentEvents } from './sse.js';

/**
 * A streamed answer as an async iterable of its JSON events, ending at `[DONE]`.
 * Leaving a `for await` early (`break`, `return`, a throw) aborts the HTTP request;
 * an error event from the hub mid-stream is thrown as the matching {@link HubAPIError}.
 */
export class Stream<T> implements AsyncIterable<T> {
  private consumed = false;
  /** The hub's id for this request (`x-request-id`). */
  readonly requestId: string | undefined;

  constructor(
    private readonly source: HubResponse<Response>,
    private readonly signal?: AbortSignal,
  ) {
    this.requestId = source.requestId;
  }

  /** The HTTP response (status, headers) the stream is read from. */
  get response(): Response {
    return this.source.response;
  }

  /** Stops the stream and aborts the request. */
  abort(): void {
    this.source.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.consumed) throw new Error('A stream can be iterated only once');
    this.consumed = true;
    const body = this.source.response.body;
    let finished = false;
    try {
      if (!body) return;
      for await (const event of readServerSentEvents(body)) {
        if (event.data === '[DONE]') break;
        const payload = JSON.parse(event.data) as T & { error?: unknown };
        if (event.event === 'error' || payload?.error) throw this.errorEvent(payload);
        yield payload;
      }
      finished = true;
    } catch (error) {
      if (this.signal?.aborted)
        throw new APIUserAbortError(undefined, { cause: error, requestId: this.requestId });
      if (error instanceof Error && !(error instanceof SyntaxError) && !('status' in error)) {
        throw new APIConnectionError(`The stream broke: ${error.message}`, {
          cause: error,
          requestId: this.requestId,
        });
      }
      throw error;
    } finally {
      if (!finished) this.abort();
    }
  }

  private errorEvent(payload: { error?: unknown }): HubAPIError {
    const error = (payload.error ?? {}) as { code?: string; status?: number };
    const status = error.status ?? ERROR_STATUS[error.code as ErrorCode] ?? 500;
    const headers = new Headers(this.requestId ? { 'x-request-id': this.requestId } : {});
    return errorFromResponse(status, payload, headers);
  }
}
