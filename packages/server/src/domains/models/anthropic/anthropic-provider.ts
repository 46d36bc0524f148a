import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { isNotEventStream, notEventStreamError, StreamCheck } from '../providers/answer-checks.js';
import { afterFirstChunk } from '../providers/first-chunk.js';
import type { ChatProvider, ProviderFactory } from '../providers/provider.js';
import { readExcerpt } from '../providers/read-excerpt.js';
import { UpstreamDeadline } from '../providers/upstream-deadline.js';
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
 * from the hub's chat format. The client's own retries are off: the hub retries and falls back;
 * so is its logging (the hub logs the failures it reports). `timeoutMs` bounds the whole call
 * (see {@link UpstreamDeadline}); what the upstream answers is checked as the OpenAI providers
 * check theirs (a 200 that is no event stream, an `error` event, an event that is not JSON, a
 * stream that ends before the answer's `stop_reason`: each an {@link UpstreamError}).
 */
export const anthropicProvider: ProviderFactory = (deployment): ChatProvider => {
  const client = new Anthropic({
    apiKey: deployment.apiKey ?? 'none',
    baseURL: deployment.baseURL ?? ANTHROPIC_URL,
    maxRetries: 0,
    timeout: deployment.timeoutMs,
    logLevel: 'off',
  });
  const bodyOf = (request: Parameters<ChatProvider['complete']>[0], stream: boolean) => ({
    ...chatRequestToMessages(request, { model: request.model, maxTokens: DEFAULT_MAX_TOKENS }),
    stream,
  });
  return {
    async complete(request, call) {
      const deadline = new UpstreamDeadline(call.signal, deployment.timeoutMs);
      try {
        const message = await client.messages.create(bodyOf(request, false) as never, {
          signal: deadline.signal,
        });
        return messageToChatCompletion(checkedMessage(message));
      } catch (error) {
        throw deadline.settle(toUpstreamError(error, deadline.signal));
      } finally {
        deadline.clear();
      }
    },
    async stream(request, call) {
      const deadline = new UpstreamDeadline(call.signal, deployment.timeoutMs);
      let upstream: AsyncIterable<unknown>;
      try {
        const { data, response } = await client.messages
          .create(bodyOf(request, true) as never, { signal: deadline.signal })
          .withResponse();
        const type = response.headers.get('content-type');
        if (isNotEventStream(type)) {
          throw notEventStreamError(response.status, String(type), await readExcerpt(response));
        }
        upstream = data as unknown as AsyncIterable<unknown>;
      } catch (error) {
        deadline.clear();
        throw deadline.settle(toUpstreamError(error, deadline.signal));
      }
      return afterFirstChunk(translate(upstream, deadline, call.signal));
    },
  };
};

/** A non-streamed answer must be a message: content blocks and usage. */
function checkedMessage(value: unknown): AnthropicMessage {
  const message = value as Partial<AnthropicMessage> | null;
  if (typeof message !== 'object' || !Array.isArray(message?.content) || typeof message.usage !== 'object') {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    throw new UpstreamError(
      `The upstream answered with something that is not a message: ${String(text).slice(0, 200)}`,
      undefined,
    );
  }
  return message as AnthropicMessage;
}

/**
 * The client's events as checked chat chunks. The client ends its iteration quietly when its
 * signal aborts: when the caller left, so does this; when the deadline passed, this throws.
 */
async function* translate(
  upstream: AsyncIterable<unknown>,
  deadline: UpstreamDeadline,
  caller: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  const translator = new EventsToChatChunks();
  const check = new StreamCheck();
  try {
    for await (const event of upstream) {
      if (typeof event !== 'object' || event === null) {
        throw new UpstreamError(
          `The upstream sent an event that is not an object: ${String(event)}`,
          undefined,
        );
      }
      for (const chunk of translator.push(event as AnthropicStreamEvent)) yield check.chunk(chunk);
    }
    if (deadline.expired) throw deadline.expiredError();
    if (!caller.aborted) check.end();
  } catch (error) {
    throw deadline.settle(toUpstreamError(error, deadline.signal));
  } finally {
    deadline.clear();
  }
}

/** Maps the Anthropic client's errors to {@link UpstreamError}; an abort we asked for stays an abort. */
function toUpstreamError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof Anthropic.APIUserAbortError) return signal.reason ?? error;
  if (error instanceof UpstreamError) return error;
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new UpstreamError('The upstream timed out', undefined, { timeout: true });
  }
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    const headers = error.headers as Headers | undefined;
    return new UpstreamError(`The upstream answered ${error.status}: ${error.message}`, error.status, {
      retryAfterMs: headers ? parseRetryAfter((name) => headers.get(name)) : undefined,
    });
  }
  // An `error` event in the stream: the client throws it as an APIError without a status.
  if (error instanceof Anthropic.APIError && !(error instanceof Anthropic.APIConnectionError)) {
    return new UpstreamError(`The upstream stream failed: ${error.message}`, undefined);
  }
  if (error instanceof AnthropicStreamError) {
    return new UpstreamError(`The upstream stream failed: ${error.type}: ${error.message}`, undefined);
  }
  if (error instanceof SyntaxError) {
    return new UpstreamError(`The upstream sent something that is not JSON: ${error.message}`, undefined);
  }
  return new UpstreamError(
    `The upstream connection failed: ${(error as Error)?.message ?? String(error)}`,
    undefined,
  );
}
