import type { ChatCompletionChunk, ChatUsage, HubCharge } from '@smart-ai-hub/sdk';
import type { AnthropicStopReason, AnthropicStreamEvent } from './anthropic-wire.js';
import { messageIdOf } from './chat-completion-to-message.js';
import { stopReasonOf } from './stop-reasons.js';

/**
 * Turns the hub's chat chunks (OpenAI's stream) into Anthropic stream events, one chunk at a
 * time: `message_start` on the first chunk, a content block per text run or tool call, and on
 * `finish()` the `message_delta` with the stop reason, the usage (input tokens included: an
 * OpenAI stream reports them only at its end) and the hub's charge, then `message_stop`.
 */
export class ChatChunksToEvents {
  private started = false;
  /** Index of the open content block, or -1. */
  private open = -1;
  private openKind: 'text' | 'tool' | null = null;
  private blocks = 0;
  /** OpenAI tool-call index -> Anthropic block index. */
  private readonly toolBlocks = new Map<number, number>();
  private stopReason: AnthropicStopReason = 'end_turn';
  private usage: ChatUsage | undefined;
  private hub: HubCharge | undefined;

  constructor(private readonly model: string) {}

  /** The events one chunk produces (often one; none for a role-only chunk after the start). */
  push(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'message_start',
        message: {
          id: messageIdOf(chunk.id),
          type: 'message',
          role: 'assistant',
          model: this.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      });
    }
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.hub) this.hub = chunk.hub;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const { content, tool_calls: calls } = choice.delta;
      if (typeof content === 'string' && content !== '') {
        if (this.openKind !== 'text') this.startBlock(events, 'text', { type: 'text', text: '' });
        events.push({
          type: 'content_block_delta',
          index: this.open,
          delta: { type: 'text_delta', text: content },
        });
      }
      for (const call of calls ?? []) {
        let index = this.toolBlocks.get(call.index);
        if (index === undefined) {
          index = this.startBlock(events, 'tool', {
            type: 'tool_use',
            id: call.id ?? `toolu_${call.index}`,
            name: call.function?.name ?? '',
            input: {},
          });
          this.toolBlocks.set(call.index, index);
        }
        const fragment = call.function?.arguments;
        if (fragment && index === this.open) {
          events.push({
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: fragment },
          });
        }
      }
      if (choice.finish_reason) this.stopReason = stopReasonOf(choice.finish_reason);
    }
    return events;
  }

  /** The closing events, once the chunks ended normally. */
  finish(): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) {
      events.push(
        ...this.push({
          id: 'empty',
          object: 'chat.completion.chunk',
          created: 0,
          model: this.model,
          choices: [],
        }),
      );
    }
    this.closeBlock(events);
    events.push({
      type: 'message_delta',
      delta: { stop_reason: this.stopReason, stop_sequence: null },
      usage: {
        input_tokens: this.usage?.prompt_tokens ?? 0,
        output_tokens: this.usage?.completion_tokens ?? 0,
      },
      ...(this.hub ? { hub: this.hub } : {}),
    });
    events.push({ type: 'message_stop' });
    return events;
  }

  private startBlock(
    events: AnthropicStreamEvent[],
    kind: 'text' | 'tool',
    block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block'],
  ): number {
    this.closeBlock(events);
    this.open = this.blocks++;
    this.openKind = kind;
    events.push({ type: 'content_block_start', index: this.open, content_block: block });
    return this.open;
  }

  private closeBlock(events: AnthropicStreamEvent[]): void {
    if (this.open < 0) return;
    events.push({ type: 'content_block_stop', index: this.open });
    this.open = -1;
    this.openKind = null;
  }
}
