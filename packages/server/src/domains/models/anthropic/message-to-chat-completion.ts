import type { ChatCompletion, ChatToolCall } from '@smart-ai-hub/sdk';
import type { AnthropicMessage, AnthropicUsage } from './anthropic-wire.js';
import { finishReasonOf } from './stop-reasons.js';

/** OpenAI's usage for Anthropic's: cache writes and reads count as prompt tokens. */
export function chatUsageOf(usage: Partial<AnthropicUsage>) {
  const prompt =
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  // Cache reads are part of the prompt (and billed as such); OpenAI's shape reports them apart too.
  const cached = usage.cache_read_input_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cached > 0 ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}

/** Translates an Anthropic message into a chat completion (the Anthropic provider's non-streamed answer). */
export function messageToChatCompletion(
  message: AnthropicMessage,
  created = Math.floor(Date.now() / 1000),
): ChatCompletion {
  let text = '';
  const calls: ChatToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += String(block.text);
    else if (block.type === 'tool_use') {
      calls.push({
        id: String(block.id),
        type: 'function',
        function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls.length > 0 && text === '' ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        finish_reason: finishReasonOf(message.stop_reason) ?? 'stop',
        logprobs: null,
      },
    ],
    usage: chatUsageOf(message.usage),
  };
}
