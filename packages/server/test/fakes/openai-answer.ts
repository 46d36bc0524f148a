import type { FakeBehaviour } from './fake-behaviour.js';
import { argumentFragments, contentChunks, textChars, tokensForChars } from './fake-tokens.js';

/** OpenAI's `usage` counts, as the fake reports them. */
export interface OpenAIUsageCounts {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What the fake will answer to one chat completion request. */
export type OpenAIAnswerPlan =
  | { kind: 'text'; chunks: string[]; finishReason: 'stop' | 'length'; promptTokens: number }
  | {
      kind: 'tool_call';
      id: string | undefined;
      name: string;
      argumentsJson: string;
      /** Streamed argument fragments; one per completion token. */
      chunks: string[];
      finishReason: 'tool_calls';
      promptTokens: number;
    };

type ChatBody = {
  messages?: unknown;
  tools?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
};

/**
 * Prompt tokens of a chat completion request: `max(1, ceil(chars / 4))`, where `chars` counts the
 * text of every `messages[].content` (a string, or the `text` of its parts). Tools, roles and
 * names are free.
 */
export function openAIPromptTokens(body: unknown): number {
  const messages = (body as ChatBody | undefined)?.messages;
  let chars = 0;
  if (Array.isArray(messages)) for (const message of messages) chars += textChars(message?.content);
  return tokensForChars(chars);
}

/**
 * Prompt tokens of an embeddings request: each string input costs `max(1, ceil(chars / 4))`,
 * each token-array input its length; summed.
 */
export function openAIEmbeddingTokens(input: unknown): number {
  const inputs =
    typeof input === 'string' || !Array.isArray(input) || typeof input[0] === 'number' ? [input] : input;
  let tokens = 0;
  for (const item of inputs)
    tokens += Array.isArray(item) ? item.length : tokensForChars(String(item ?? '').length);
  return tokens;
}

/**
 * Decides the answer: a tool call when the request offers `tools` and the behaviour scripts one;
 * otherwise `chunks` words, cut to `max_completion_tokens` / `max_tokens` (`finish_reason: 'length'`).
 */
export function planOpenAIAnswer(
  body: unknown,
  behaviour: Pick<FakeBehaviour, 'chunks' | 'toolCall'>,
): OpenAIAnswerPlan {
  const chat = (body ?? {}) as ChatBody;
  const promptTokens = openAIPromptTokens(body);
  const call = behaviour.toolCall;
  if (call && Array.isArray(chat.tools) && chat.tools.length > 0) {
    const argumentsJson =
      typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    return {
      kind: 'tool_call',
      id: call.id,
      name: call.name,
      argumentsJson,
      chunks: argumentFragments(argumentsJson),
      finishReason: 'tool_calls',
      promptTokens,
    };
  }
  const words = behaviour.chunks ?? 5;
  const limit = Number(chat.max_completion_tokens ?? chat.max_tokens);
  const cut = Number.isInteger(limit) && limit > 0 && limit < words;
  return {
    kind: 'text',
    chunks: contentChunks(cut ? limit : words),
    finishReason: cut ? 'length' : 'stop',
    promptTokens,
  };
}

/** The usage the fake reports for a plan: completion tokens = content chunks (or argument fragments). */
export function openAIUsageOf(plan: OpenAIAnswerPlan): OpenAIUsageCounts {
  const completion = plan.chunks.length;
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    total_tokens: plan.promptTokens + completion,
  };
}

/**
 * The exact usage the fake reports for `body` under `behaviour` (default 5 words): use it to
 * assert charges, e.g. `expectedOpenAIUsage(body, { chunks: 3 }).total_tokens`.
 */
export function expectedOpenAIUsage(
  body: unknown,
  behaviour: Pick<FakeBehaviour, 'chunks' | 'toolCall'> = {},
): OpenAIUsageCounts {
  return openAIUsageOf(planOpenAIAnswer(body, behaviour));
}
