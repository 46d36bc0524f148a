import type { ChatCompletion, ChatCompletionChunk, ChatUsage } from '@smart-ai-hub/sdk';
import type { TokenUsage } from '../metering/usage-check.js';

/** Keeps a chunk's output text (content, refusal, tool names and arguments), for counting. */
export function collectText(chunk: ChatCompletionChunk, into: string[]): void {
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if (delta.content) into.push(delta.content);
    if (delta.refusal) into.push(delta.refusal);
    for (const t of delta.tool_calls ?? []) {
      if (t.function?.name) into.push(t.function.name);
      if (t.function?.arguments) into.push(t.function.arguments);
    }
  }
}

/** A completion's output text, for counting its tokens when the upstream reported none. */
export function completionTextOf(completion: ChatCompletion): string {
  const texts: string[] = [];
  for (const choice of completion.choices ?? []) {
    const message = choice.message;
    if (typeof message?.content === 'string') texts.push(message.content);
    if (typeof message?.refusal === 'string') texts.push(message.refusal);
    for (const t of message?.tool_calls ?? []) texts.push(t.function.name, t.function.arguments);
  }
  return texts.join('');
}

/** Token counts in OpenAI's usage shape. */
export function usageObject(usage: TokenUsage): ChatUsage {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
}

/** The finish reasons a completion's (or a chunk's) choices name, for traces. */
export function finishReasonsOf(
  choices: ReadonlyArray<{ finish_reason?: string | null }> | undefined,
): string[] {
  const reasons: string[] = [];
  for (const choice of choices ?? []) if (choice.finish_reason) reasons.push(choice.finish_reason);
  return reasons;
}
