import type { ChatFinishReason } from '@smart-ai-hub/sdk';
import type { AnthropicStopReason } from './anthropic-wire.js';

/** OpenAI's `finish_reason` for an Anthropic `stop_reason`. */
export function finishReasonOf(
  stop: AnthropicStopReason | string | null | undefined,
): ChatFinishReason | null {
  switch (stop) {
    case null:
    case undefined:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Anthropic's `stop_reason` for an OpenAI `finish_reason`. */
export function stopReasonOf(finish: ChatFinishReason | string | null | undefined): AnthropicStopReason {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
