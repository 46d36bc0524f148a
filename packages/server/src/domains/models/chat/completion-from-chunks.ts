import type { ChatCompletion, ChatCompletionChunk, ChatToolCall } from '@smart-ai-hub/sdk';

type Choice = ChatCompletion['choices'][number];

/**
 * Folds a chat stream back into the completion it spells out, one chunk at a time: per choice
 * the content and refusal concatenated, tool calls joined by their `index`, the finish reason;
 * the usage of the last chunk. The `hub` field is left out (a charge belongs to one request).
 */
export class CompletionFromChunks {
  private readonly choices = new Map<number, Choice>();
  private readonly toolCalls = new Map<number, Map<number, ChatToolCall>>();
  private head: Pick<ChatCompletion, 'id' | 'created' | 'model'> | undefined;
  private usage: ChatCompletion['usage'];
  private fingerprint: string | null | undefined;

  push(chunk: ChatCompletionChunk): void {
    this.head = { id: chunk.id, created: chunk.created, model: chunk.model };
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.system_fingerprint !== undefined) this.fingerprint = chunk.system_fingerprint;
    for (const { index, delta, finish_reason } of chunk.choices) {
      let choice = this.choices.get(index);
      if (!choice) {
        choice = { index, message: { role: 'assistant', content: null }, finish_reason: null };
        this.choices.set(index, choice);
      }
      const message = choice.message;
      if (typeof delta.content === 'string') message.content = (message.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') message.refusal = (message.refusal ?? '') + delta.refusal;
      for (const part of delta.tool_calls ?? []) this.pushToolCall(index, part);
      if (finish_reason) choice.finish_reason = finish_reason;
    }
  }

  /** The completion so far (call once the stream is over). */
  completion(): ChatCompletion {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((choice) => {
        const calls = this.toolCalls.get(choice.index);
        if (!calls) return choice;
        const tool_calls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
        return { ...choice, message: { ...choice.message, tool_calls } };
      });
    return {
      id: this.head?.id ?? '',
      object: 'chat.completion',
      created: this.head?.created ?? Math.floor(Date.now() / 1000),
      model: this.head?.model ?? '',
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.fingerprint !== undefined ? { system_fingerprint: this.fingerprint } : {}),
    };
  }

  private pushToolCall(
    choice: number,
    part: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number],
  ) {
    const calls = this.toolCalls.get(choice) ?? new Map<number, ChatToolCall>();
    this.toolCalls.set(choice, calls);
    const call = calls.get(part.index) ?? {
      id: '',
      type: 'function' as const,
      function: { name: '', arguments: '' },
    };
    if (part.id) call.id = part.id;
    if (part.function?.name) call.function.name += part.function.name;
    if (part.function?.arguments) call.function.arguments += part.function.arguments;
    calls.set(part.index, call);
  }
}
