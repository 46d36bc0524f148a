import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@smart-ai-hub/sdk';

/**
 * A model provider: how the hub talks to one upstream. Built in: `mock`, `openai`,
 * `openai-compatible` (any server speaking OpenAI's API, by base URL) and `anthropic`.
 *
 * A team plugs in its own by passing a factory to `createHub({ providers: { mine: (d) => ... } })`
 * and naming it in a deployment (`"provider": "mine"`). The hub does the rest (holds, retries,
 * fallback, circuit breaking, metering, usage logs); a provider only speaks to its upstream:
 *
 * ```ts
 * const echo: ProviderFactory = () => ({
 *   async complete(request) {
 *     const text = String(request.messages.at(-1)?.content ?? '');
 *     return { id: 'echo-1', object: 'chat.completion', created: 0, model: request.model,
 *       choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
 *       usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
 *   },
 *   async stream(request, call) { ... an async iterable of chunks, the last with `usage` ... },
 * });
 * ```
 *
 * Errors: throw an {@link UpstreamError} (status, Retry-After) so the hub knows whether to retry.
 */
export interface ChatProvider {
  /**
   * One non-streamed completion. `request.model` is already the upstream's model id. The answer
   * must carry `usage`: the hub charges from it.
   */
  complete(request: ChatCompletionRequest, call: ProviderCall): Promise<ChatCompletion>;
  /**
   * One streamed completion. Resolves once the upstream has accepted the request (its status is
   * known; the built-in providers wait for the first chunk), so that failures before the first
   * byte can be retried; the iterable then yields OpenAI-shaped chunks, the last carrying
   * `usage`, and throws an {@link UpstreamError} if the stream fails or ends before every choice
   * has its `finish_reason`. Breaking out of the iteration or aborting `call.signal` must close
   * the upstream request.
   */
  stream(request: ChatCompletionRequest, call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>>;
}

/** Per-call facts a provider gets. */
export interface ProviderCall {
  /** Aborted when the client goes away or the hub gives up: close the upstream request. */
  signal: AbortSignal;
  /** The hub's request id, to pass upstream for tracing if the provider wants. */
  requestId: string;
}

/** What a provider factory is given: one deployment of the catalog, its key resolved. */
export interface ProviderDeployment {
  id: string;
  provider: string;
  /** The upstream's model id. */
  upstreamModel: string;
  baseURL?: string;
  apiKey?: string;
  /**
   * How long one call may take, from the request to the last byte of the answer (not only each
   * silence): past it the call fails as a timeout. The built-in providers enforce it with
   * `UpstreamDeadline`.
   */
  timeoutMs: number;
  /** Provider-specific options from the catalog (e.g. `mock`). */
  options: Record<string, unknown>;
}

/** Builds the provider of one deployment (called once per deployment at start). */
export type ProviderFactory = (deployment: ProviderDeployment) => ChatProvider;
