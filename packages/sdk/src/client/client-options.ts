import type { TokenStore } from '../auth/token-store.js';
import type { RetryInfo } from '../core/transport.js';

/** How a {@link HubClient} reaches and authenticates with a hub. */
export interface HubClientOptions {
  /** The hub's address, e.g. `https://ai.example.com`. Default: the page's origin in browsers, else `http://127.0.0.1:8787`. */
  baseURL?: string;
  /** An API key (`sk-hub-...`) for server-side use; when set, the session options are unused. */
  apiKey?: string;
  /** Session sign-in (register/login/OAuth) with tokens the client keeps and refreshes. */
  auth?: {
    /** Where the session lives. Default: localStorage in browsers, memory elsewhere. */
    tokenStore?: TokenStore;
    /** Refresh this many ms before the access token expires. Default 30 s. */
    refreshLeeway?: number;
  };
  /** Milliseconds per attempt before the call fails with `TimeoutError` (retried like a connection error). Default 10 minutes, as in the OpenAI client. */
  timeout?: number;
  /** Retries on connection errors, timeouts, 429 and 5xx. Default 2. */
  maxRetries?: number;
  /**
   * The most milliseconds a call waits between its retries, in total. Default 10 s. A longer
   * `Retry-After` is not waited for: the call fails at once with `RateLimitError` (`retryAfter`).
   */
  maxRetryWait?: number;
  /** Called before each wait for a retry (`{ attempt, waitMs, status, error }`), e.g. to show "retrying in 3 s". */
  onRetry?: (info: RetryInfo) => void;
  /** A `fetch` to use instead of the global one (tests, proxies, older runtimes). */
  fetch?: typeof fetch;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
}
