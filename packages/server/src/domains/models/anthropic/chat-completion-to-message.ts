import type { ChatCompletion } from '@smart-ai-hub/sdk';
import type { AnthropicContentBlock, AnthropicMessage } from './anthropic-wire.js';
import { stopReasonOf } from './stop-reasons.js';

/** Parses tool-call arguments; a model's broken JSON is kept as `{ _raw }` rather than lost. */
export function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return { _raw: json };
  }
}

/** An Anthropic message id for an upstream completion id. */
export function messageIdOf(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

/**
 * Translates the hub's chat completion into an Anthropic message (the answer of a non-streamed
 * `POST /v1/messages`). `model` is the model the caller asked for.
 */
export function chatCompletionToMessage(completion: ChatCompletion, model: string): AnthropicMessage {
  const choice = completion.choices[0];
  const content: AnthropicContentBlock[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseToolInput(call.function.arguments),
    });
  }
  const message: AnthropicMessage = {
    id: messageIdOf(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: {
      input_tokens: completion.usage?.prompt_tokens ?? 0,
      output_tokens: completion.usage?.completion_tokens ?? 0,
    },
  };
  if (completion.hub) message.hub = completion.hub;
  return message;
}
