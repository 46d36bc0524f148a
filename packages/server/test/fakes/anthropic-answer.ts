import type { FakeBehaviour } from './fake-behaviour.js';
import { argumentFragments, contentChunks, textChars, tokensForChars } from './fake-tokens.js';

/** Anthropic's `usage` counts, as the fake reports them (in the final message / `message_delta`). */
export interface AnthropicUsageCounts {
  input_tokens: number;
  output_tokens: number;
}

/** What the fake will answer to one Messages request. */
export type AnthropicAnswerPlan =
  | { kind: 'text'; chunks: string[]; stopReason: 'end_turn' | 'max_tokens'; inputTokens: number }
  | {
      kind: 'tool_use';
      id: string | undefined;
      name: string;
      input: unknown;
      /** Streamed `input_json_delta` fragments; one per output token. */
      chunks: string[];
      stopReason: 'tool_use';
      inputTokens: number;
    };

type MessagesBody = { system?: unknown; messages?: unknown; tools?: unknown; max_tokens?: unknown };

/**
 * Input tokens of a Messages request: `max(1, ceil(chars / 4))`, where `chars` counts the text of
 * `system` and of every `messages[].content` (a string, or the `text` of its blocks).
 */
export function anthropicInputTokens(body: unknown): number {
  const request = (body ?? {}) as MessagesBody;
  let chars = textChars(request.system);
  if (Array.isArray(request.messages))
    for (const message of request.messages) chars += textChars(message?.content);
  return tokensForChars(chars);
}

/**
 * Decides the answer: a `tool_use` block when the request offers `tools` and the behaviour scripts
 * a call; otherwise `chunks` words, cut to `max_tokens` (`stop_reason: 'max_tokens'`).
 */
export function planAnthropicAnswer(
  body: unknown,
  behaviour: Pick<FakeBehaviour, 'chunks' | 'toolCall'>,
): AnthropicAnswerPlan {
  const request = (body ?? {}) as MessagesBody;
  const inputTokens = anthropicInputTokens(body);
  const call = behaviour.toolCall;
  if (call && Array.isArray(request.tools) && request.tools.length > 0) {
    const inputJson = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    return {
      kind: 'tool_use',
      id: call.id,
      name: call.name,
      input: JSON.parse(inputJson),
      chunks: argumentFragments(inputJson),
      stopReason: 'tool_use',
      inputTokens,
    };
  }
  const words = behaviour.chunks ?? 5;
  const limit = Number(request.max_tokens);
  const cut = Number.isInteger(limit) && limit > 0 && limit < words;
  return {
    kind: 'text',
    chunks: contentChunks(cut ? limit : words),
    stopReason: cut ? 'max_tokens' : 'end_turn',
    inputTokens,
  };
}

/** The usage the fake reports for a plan: output tokens = content chunks (or input JSON fragments). */
export function anthropicUsageOf(plan: AnthropicAnswerPlan): AnthropicUsageCounts {
  return { input_tokens: plan.inputTokens, output_tokens: plan.chunks.length };
}

/**
 * The exact usage the fake reports for `body` under `behaviour` (default 5 words). While
 * streaming, `message_start` carries `output_tokens: 1` as Anthropic's does; the
 * `message_delta` carries this final, cumulative count.
 */
export function expectedAnthropicUsage(
  body: unknown,
  behaviour: Pick<FakeBehaviour, 'chunks' | 'toolCall'> = {},
): AnthropicUsageCounts {
  return anthropicUsageOf(planAnthropicAnswer(body, behaviour));
}
