import type { ChatCompletion, ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { hubField } from '../gateway/charge-wire.js';
import type { ChargeInfo } from '../metering/meter.js';

/** A finished completion (cached or replayed) as a stream: one chunk per choice, then the usage chunk. */
export async function* answerAsChunks(
  response: ChatCompletion,
  info: ChargeInfo,
  requestId: string,
): AsyncGenerator<ChatCompletionChunk> {
  const base = {
    id: response.id,
    object: 'chat.completion.chunk' as const,
    created: response.created,
    model: response.model,
  };
  for (const choice of response.choices) {
    const { role, content, tool_calls } = choice.message;
    yield {
      ...base,
      choices: [
        {
          index: choice.index,
          delta: {
            role,
            content,
            ...(tool_calls ? { tool_calls: tool_calls.map((t, index) => ({ index, ...t })) } : {}),
          },
          finish_reason: choice.finish_reason,
        },
      ],
    };
  }
  yield { ...base, choices: [], usage: response.usage ?? null, hub: hubField(info, requestId) };
}
