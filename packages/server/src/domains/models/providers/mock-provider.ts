import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@smart-ai-hub/sdk';
import { guessPromptTokens } from '../metering/prompt-bound.js';
import type { ChatProvider, ProviderFactory } from './provider.js';
import { UpstreamDeadline } from './upstream-deadline.js';

const WORDS =
  'This is a deterministic answer from the Smart AI Hub mock provider so that a fresh install works offline'.split(
    ' ',
  );

/** The mock's answer: `words` words (cut to the request's output limit), one token each. */
export function mockAnswer(request: ChatCompletionRequest, words: number): string[] {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  const count = typeof limit === 'number' && limit > 0 ? Math.min(limit, words) : words;
  return Array.from({ length: count }, (_, i) => (i === 0 ? '' : ' ') + WORDS[i % WORDS.length]);
}

/**
 * A provider that needs no key: it answers deterministic text at a configurable pace
 * (`mock: { words, chunkDelayMs }` on the deployment) and reports usage (prompt: 4 characters per
 * token; completion: one token per word), so a fresh install, the examples and the benchmarks
 * work offline. A paced answer is bounded by `timeoutMs` like any upstream's (see
 * {@link UpstreamDeadline}); an unpaced one ends at once and needs no timer.
 */
export const mockProvider: ProviderFactory = (deployment) => {
  const words = Number(deployment.options.words ?? 12);
  const chunkDelayMs = Number(deployment.options.chunkDelayMs ?? 0);
  let sequence = 0;
  const meta = (request: ChatCompletionRequest) => ({
    id: `chatcmpl-mock-${++sequence}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  });
  const usageOf = (request: ChatCompletionRequest, completion: number) => {
    const prompt = guessPromptTokens(request);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  };
  const provider: ChatProvider = {
    async complete(request, call) {
      const pieces = mockAnswer(request, words);
      if (chunkDelayMs > 0) {
        const deadline = new UpstreamDeadline(call.signal, deployment.timeoutMs);
        try {
          await sleep(chunkDelayMs * pieces.length, undefined, { signal: deadline.signal });
        } catch (error) {
          throw deadline.settle(error);
        } finally {
          deadline.clear();
        }
      }
      const finish = pieces.length < words ? 'length' : 'stop';
      return {
        ...meta(request),
        object: 'chat.completion',
        choices: [
          { index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: finish },
        ],
        usage: usageOf(request, pieces.length),
      } satisfies ChatCompletion;
    },
    async stream(request, call) {
      const pieces = mockAnswer(request, words);
      const base = { ...meta(request), object: 'chat.completion.chunk' as const };
      const deadline = chunkDelayMs > 0 ? new UpstreamDeadline(call.signal, deployment.timeoutMs) : undefined;
      const signal = deadline?.signal ?? call.signal;
      async function* chunks(): AsyncIterable<ChatCompletionChunk> {
        try {
          yield {
            ...base,
            choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
          };
          for (const piece of pieces) {
            if (chunkDelayMs > 0) await sleep(chunkDelayMs, undefined, { signal });
            signal.throwIfAborted();
            yield { ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
          }
          const finish = pieces.length < words ? 'length' : 'stop';
          yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] };
          yield { ...base, choices: [], usage: usageOf(request, pieces.length) };
        } catch (error) {
          throw deadline ? deadline.settle(error) : error;
        } finally {
          deadline?.clear();
        }
      }
      return chunks();
    },
  };
  return provider;
};
