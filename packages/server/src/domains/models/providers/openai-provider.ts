import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import OpenAI from 'openai';
import { checkedCompletion, isNotEventStream, notEventStreamError, StreamCheck } from './answer-checks.js';
import { afterFirstChunk } from './first-chunk.js';
import type { ChatProvider, ProviderDeployment, ProviderFactory } from './provider.js';
import { readExcerpt } from './read-excerpt.js';
import { UpstreamDeadline } from './upstream-deadline.js';
import { parseRetryAfter, UpstreamError } from './upstream-error.js';
import { createUpstreamFetch } from './upstream-fetch.js';

const OPENAI_URL = 'https://api.openai.com/v1';

/** One keep-alive pool for every OpenAI deployment's client (see `createUpstreamFetch`). */
const upstreamFetch = createUpstreamFetch();

/**
 * OpenAI (or another server by `baseURL`) through the official `openai` client. The client's own
 * retries are off: the hub retries, falls back and breaks circuits itself; so is its logging (the
 * hub logs the failures it reports). `timeoutMs` bounds the whole call (see
 * {@link UpstreamDeadline}). The `openai-compatible` provider speaks the same wire without the
 * client (see `openAICompatibleProvider`), with the same checks of what the upstream answers.
 */
export const openAIProvider: ProviderFactory = (deployment: ProviderDeployment): ChatProvider => {
  const client = new OpenAI({
    apiKey: deployment.apiKey ?? 'none',
    baseURL: deployment.baseURL ?? OPENAI_URL,
    maxRetries: 0,
    timeout: deployment.timeoutMs,
    fetch: upstreamFetch,
    logLevel: 'off',
  });
  return {
    async complete(request, call) {
      const deadline = new UpstreamDeadline(call.signal, deployment.timeoutMs);
      try {
        const body = {
          ...request,
          stream: false,
        } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
        // A 200 that is not JSON comes back as its text: checked like any other answer.
        return checkedCompletion(await client.chat.completions.create(body, { signal: deadline.signal }));
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
        const body = { ...request, stream: true } as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
        const { data, response } = await client.chat.completions
          .create(body, { signal: deadline.signal })
          .withResponse();
        const type = response.headers.get('content-type');
        if (isNotEventStream(type)) {
          throw notEventStreamError(response.status, String(type), await readExcerpt(response));
        }
        upstream = data;
      } catch (error) {
        deadline.clear();
        throw deadline.settle(toUpstreamError(error, deadline.signal));
      }
      return afterFirstChunk(checkedChunks(upstream, deadline, call.signal));
    },
  };
};

/**
 * The client's chunks, checked. The client ends its iteration quietly when its signal aborts:
 * when the caller left, so does this (the pipeline sees its own signal); when the deadline
 * passed, this throws the timeout.
 */
async function* checkedChunks(
  upstream: AsyncIterable<unknown>,
  deadline: UpstreamDeadline,
  caller: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  const check = new StreamCheck();
  try {
    for await (const chunk of upstream) yield check.chunk(chunk);
    if (deadline.expired) throw deadline.expiredError();
    if (!caller.aborted) check.end();
  } catch (error) {
    throw deadline.settle(toUpstreamError(error, deadline.signal));
  } finally {
    deadline.clear();
  }
}

/** Maps the `openai` client's errors to {@link UpstreamError}; an abort we asked for stays an abort. */
export function toUpstreamError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof OpenAI.APIUserAbortError) return signal.reason ?? error;
  if (error instanceof UpstreamError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new UpstreamError('The upstream timed out', undefined, { timeout: true });
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const headers = error.headers;
    return new UpstreamError(`The upstream answered ${error.status}: ${error.message}`, error.status, {
      retryAfterMs: headers ? parseRetryAfter((name) => headers.get(name)) : undefined,
    });
  }
  // An `error` event in the stream: the client throws it as an APIError without a status.
  if (error instanceof OpenAI.APIError && !(error instanceof OpenAI.APIConnectionError)) {
    return new UpstreamError(`The upstream stream failed: ${error.message}`, undefined);
  }
  if (error instanceof SyntaxError) {
    return new UpstreamError(`The upstream sent something that is not JSON: ${error.message}`, undefined);
  }
  return new UpstreamError(
    `The upstream connection failed: ${(error as Error)?.message ?? String(error)}`,
    undefined,
  );
}
