/** Options every SDK method takes as its last argument; they override the client's for one call. */
export interface RequestOptions {
  /** Cancels the call (and closes a stream). The promise rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Milliseconds per attempt until the answer's headers (streams) or body arrive. */
  timeout?: number;
  /** How many times to retry on connection errors, timeouts, 429 and 5xx. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /**
   * The idempotency key of a money-moving call; generated once per call when omitted. Pass your
   * own to make a call idempotent across process restarts.
   */
  idempotencyKey?: string;
}

/** What a resource asks of the transport. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  /** The call moves money: send an `Idempotency-Key`, the same one on every retry. */
  idempotent?: boolean;
  /** Send no credentials (register, login, refresh). */
  anonymous?: boolean;
  /** Hand back the open response once its headers arrive (the caller reads the body as a stream). */
  stream?: boolean;
}

/** A successful answer: the parsed body (or the open response for streams) and its metadata. */
export interface HubResponse<T> {
  data: T;
  response: Response;
  requestId: string | undefined;
  /** Aborts the underlying request (closes a stream). */
  abort(): void;
}

/** Where the transport gets the `Authorization` header from, and how it recovers from a 401. */
export interface CredentialsProvider {
  /** The header value for the next request, or undefined when signed out. */
  authorization(): Promise<string | undefined>;
  /** Called after a 401 to a request sent with `sent`; resolves true when a retry may now succeed. */
  recover(sent: string): Promise<boolean>;
}
