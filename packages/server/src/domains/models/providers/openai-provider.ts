import type { ChatCompletion, ChatCompletionChunk } from '@smart-ai-hub/sdk';
import OpenAI from 'openai';
import type { ChatProvider, ProviderDeployment, ProviderFactory } from './provider.js';
import { parseRetryAfter, UpstreamError } from './upstream-error.js';
import { createUpstreamFetch } from './upstream-fetch.js';

const OPENAI_URL = 'https://api.openai.com/v1';

/** One keep-alive pool for every OpenAI deployment's client (see `createUpstreamFetch`). */
const upstreamFetch = createUpstreamFetch();

/**
 * OpenAI (or another server by `baseURL`) through the official `openai` client. The client's own
 * retries are off: the hub retries, falls back and breaks circuits itself. The
 * `openai-compatible` provider speaks the same wire without the client (see
 * `openAICompatibleProvider`).
 */
export const openAIProvider: ProviderFactory = (deployment: ProviderDeployment): ChatProvider => {
  const client = new OpenAI({
    apiKey: deployment.apiKey ?? 'none',
    baseURL: deployment.baseURL ?? OPENAI_URL,
    maxRetries: 0,
    timeout: deployment.timeoutMs,
    fetch: upstreamFetch,
  });
  return {
    async complete(request, call) {
      try {
        const body = {
          ...request,
          stream: false,
        } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
        return (await client.chat.completions.create(body, {
          signal: call.signal,
        })) as unknown as ChatCompletion;
      } catch (error) {
        throw toUpstreamError(error, call.signal);
      }
    },
    async stream(request, call) {
      let upstream: AsyncIterable<unknown>;
      try {
        const body = { ...request, stream: true } as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
        upstream = await client.chat.completions.create(body, { signal: call.signal });
      } catch (error) {
        throw toUpstreamError(error, call.signal);
      }
      return mapStreamErrors(upstream as AsyncIterable<ChatCompletionChunk>, call.signal);
    },
  };
};

async function* mapStreamErrors(
  upstream: AsyncIterable<ChatCompletionChunk>,
  signal: AbortSignal,
): AsyncIterable<ChatCompletionChunk> {
  try {
    yield* upstream;
  } catch (error) {
    throw toUpstreamError(error, signal);
  }
}

/** Maps the `openai` client's errors to {@link UpstreamError}; an abort we asked for stays an abort. */
export function toUpstreamError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof OpenAI.APIUserAbortError) return signal.reason ?? error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new UpstreamError('The upstream timed out', undefined, { timeout: true });
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const headers = error.headers;
    return new UpstreamError(`The upstream answered ${error.status}: ${error.message}`, error.status, {
      retryAfterMs: headers ? parseRetryAfter((name) => headers.get(name)) : undefined,
    });
  }
  if (error instanceof UpstreamError) return error;
  return new UpstreamError(
    `The upstream connection failed: ${(error as Error)?.message ?? String(error)}`,
    undefined,
  );
}
