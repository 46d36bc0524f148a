import type { ChatCompletionChunk, ChatFinishReason, ChatUsage } from '@smart-ai-hub/sdk';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-wire.js';
import { chatUsageOf } from './message-to-chat-completion.js';
import { finishReasonOf } from './stop-reasons.js';

/** An `error` event in an Anthropic stream (after the first byte: the stream cannot be retried). */
export class AnthropicStreamError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'AnthropicStreamError';
  }
}

/**
 * Turns Anthropic stream events into the hub's chat chunks (OpenAI's stream), for the Anthropic
 * provider: a role chunk on `message_start`, content and tool-call chunks per delta, a
 * `finish_reason` chunk on `message_delta`, and on `message_stop` the usage chunk
 * (`choices: []`), as OpenAI sends with `include_usage`. `usage` holds the counts so far, for a
 * stream cut short. An `error` event throws {@link AnthropicStreamError}.
 */
export class EventsToChatChunks {
  private id = '';
  private model = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly tokens: Partial<AnthropicUsage> = {};
  /** Anthropic block index -> OpenAI tool-call index. */
  private readonly toolIndex = new Map<number, number>();
  /** Output deltas seen: a floor for the output tokens of a stream cut before `message_delta`. */
  private deltas = 0;

  /** Token counts so far: the latest the upstream reported, never below the deltas seen. */
  get usage(): ChatUsage {
    const usage = chatUsageOf(this.tokens);
    if (usage.completion_tokens < this.deltas) {
      usage.completion_tokens = this.deltas;
      usage.total_tokens = usage.prompt_tokens + this.deltas;
    }
    return usage;
  }

  /** The chunks one event produces (none for pings and block boundaries). */
  push(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        this.model = event.message.model;
        Object.assign(this.tokens, event.message.usage);
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use') {
          const index = this.toolIndex.size;
          this.toolIndex.set(event.index, index);
          return [
            this.chunk({
              tool_calls: [
                {
                  index,
                  id: String(block.id),
                  type: 'function',
                  function: { name: String(block.name), arguments: '' },
                },
              ],
            }),
          ];
        }
        if (block.type === 'text' && block.text) return [this.chunk({ content: String(block.text) })];
        return [];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') {
          this.deltas++;
          return [this.chunk({ content: String(delta.text) })];
        }
        if (delta.type === 'input_json_delta') {
          this.deltas++;
          const index = this.toolIndex.get(event.index) ?? 0;
          return [
            this.chunk({ tool_calls: [{ index, function: { arguments: String(delta.partial_json) } }] }),
          ];
        }
        return [];
      }
      case 'message_delta':
        for (const [key, value] of Object.entries(event.usage)) {
          if (typeof value === 'number') (this.tokens as Record<string, number>)[key] = value;
        }
        return event.delta.stop_reason ? [this.chunk({}, finishReasonOf(event.delta.stop_reason))] : [];
      case 'message_stop':
        return [{ ...this.base(), choices: [], usage: this.usage }];
      case 'error':
        throw new AnthropicStreamError(event.error.type, event.error.message);
      default:
        return [];
    }
  }

  private base() {
    return {
      id: this.id,
      object: 'chat.completion.chunk' as const,
      created: this.created,
      model: this.model,
    };
  }

  private chunk(
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finish: ChatFinishReason | null = null,
  ): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: 0, delta, finish_reason: finish }] };
  }
}
