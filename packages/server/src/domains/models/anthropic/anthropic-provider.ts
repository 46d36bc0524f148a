import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import type { ChatProvider, ProviderFactory } from '../providers/provider.js';
import { parseRetryAfter, UpstreamError } from '../providers/upstream-error.js';
import type { AnthropicMessage, AnthropicStreamEvent } from './anthropic-wire.js';
import { chatRequestToMessages } from './chat-request-to-messages.js';
import { AnthropicStreamError, EventsToChatChunks } from './events-to-chat-chunks.js';
import { messageToChatCompletion } from './message-to-chat-completion.js';

const ANTHROPIC_URL = 'https://api.anthropic.com';
/** Anthropic requires `max_tokens`; the pipeline always sets it, this is the floor for other callers. */
const DEFAULT_MAX_TOKENS = 4_096;

/**
 * Anthropic's Messages API through the official `@anthropic-ai/sdk` client, translated to and
 * from the hub's chat format. The client's own retries are off: the hub retries and falls back.
 */
export const anthropicProvider: ProviderFactory = (deployment): ChatProvider => {
  const client = new Anthropic({
    apiKey: deployment.apiKey ?? 'none',
    baseURL: deployment.baseURL ?? ANTHROPIC_URL,
    maxRetries: 0,
    timeout: deployment.timeoutMs,
  });
  const bodyOf = (request: Parameters<ChatProvider['complete']>[0], stream: boolean) => ({
    ...chatRequestToMessages(request, { model: request.model, maxTokens: DEFAULT_MAX_TOKENS }),
    stream,
  });
  return {
    async complete(request, call) {
      try {
        const message = await client.messages.create(bodyOf(request, false) as never, {
          signal: call.signal,
        });
        return messageToChatCompletion(message as unknown as AnthropicMessage);
      } catch (error) {
        throw toUpstreamError(error, call.signal);
      }
    },
    async stream(request, call) {
      let upstream: AsyncIterable<unknown>;
      try {
        upstream = (await client.messages.create(bodyOf(request, true) as never, {
          signal: call.signal,
        })) as never;
      } catch (error) {
        throw toUpstreamError(error, call.signal);
      }
      return translate(upstream as AsyncIterable<AnthropicStreamEvent>, call.signal);
    },
  };
};

async function* translate(
  upstream: AsyncIterable<AnthropicStreamEvent>,
  signal: AbortSignal,
): AsyncIterable<ChatCompletionChunk> {
  const translator = new EventsToChatChunks();
  try {
    for await (const event of upstream) yield* translator.push(event);
  } catch (error) {
    throw toUpstreamError(error, signal);
  }
}

/** Maps the Anthropic client's errors to {@link UpstreamError}; an abort we asked for stays an abort. */
function toUpstreamError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof Anthropic.APIUserAbortError) return signal.reason ?? error;
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new UpstreamError('The upstream timed out', undefined, { timeout: true });
  }
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    const headers = error.headers as Headers | undefined;
    return new UpstreamError(`The upstream answered ${error.status}: ${error.message}`, error.status, {
      retryAfterMs: headers ? parseRetryAfter((name) => headers.get(name)) : undefined,
    });
  }
  if (error instanceof AnthropicStreamError) {
    return new UpstreamError(`The upstream stream failed: ${error.type}: ${error.message}`, undefined);
  }
  if (error instanceof UpstreamError) return error;
  return new UpstreamError(
    `The upstream connection failed: ${(error as Error)?.message ?? String(error)}`,
    undefined,
  );
}
