import type { ChatCompletionChunk, ChatCompletionRequest } from '@smart-ai-hub/sdk';
import type { ProviderFactory } from '@smart-ai-hub/server';

/** The text of the last user message, shouted. */
function shout(request: ChatCompletionRequest): string[] {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : '';
  return text.toUpperCase().split(/\s+/).filter(Boolean);
}

/**
 * A custom model provider: the hub does holds, metering, retries, fallback and usage logs; a
 * provider only answers. This one shouts the last user message back, one word per token.
 * A real one would call its upstream here, closing it when `call.signal` aborts.
 */
export const shoutProvider: ProviderFactory = (deployment) => ({
  async complete(request) {
    const words = shout(request);
    return {
      id: `shout-${Date.now()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: deployment.upstreamModel,
      choices: [
        { index: 0, message: { role: 'assistant', content: words.join(' ') }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1, completion_tokens: words.length, total_tokens: 1 + words.length },
    };
  },
  async stream(request, call) {
    const words = shout(request);
    const base = {
      id: `shout-${Date.now()}`,
      object: 'chat.completion.chunk' as const,
      created: Math.floor(Date.now() / 1000),
      model: deployment.upstreamModel,
    };
    return (async function* (): AsyncGenerator<ChatCompletionChunk> {
      for (const [i, word] of words.entries()) {
        if (call.signal.aborted) return;
        yield {
          ...base,
          choices: [{ index: 0, delta: { content: i === 0 ? word : ` ${word}` }, finish_reason: null }],
        };
      }
      yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
      yield {
        ...base,
        choices: [],
        usage: { prompt_tokens: 1, completion_tokens: words.length, total_tokens: 1 + words.length },
      };
    })();
  },
});
