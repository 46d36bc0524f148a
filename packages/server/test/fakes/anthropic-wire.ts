import type { AnthropicAnswerPlan, AnthropicUsageCounts } from './anthropic-answer.js';
import { type SseFrames, sseFrame } from './sse-stream.js';

/** Anthropic's error body: `{ type: 'error', error: { type, message } }`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string;
}

const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of requests has exceeded your rate limit.'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

/** An error body in Anthropic's shape, with a per-status default type and message. */
export function anthropicError(status: number, message?: string): AnthropicErrorBody {
  const [type, fallback] = ERROR_TYPES[status] ?? (status >= 500 ? ERROR_TYPES[500]! : ERROR_TYPES[400]!);
  return { type: 'error', error: { type, message: message ?? fallback } };
}

interface MessageMeta {
  id: string;
  model: string;
  toolUseId: string;
}

function usageObject(inputTokens: number, outputTokens: number) {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** A non-streaming `message` object. */
export function anthropicMessage(plan: AnthropicAnswerPlan, usage: AnthropicUsageCounts, meta: MessageMeta) {
  const block =
    plan.kind === 'tool_use'
      ? { type: 'tool_use', id: meta.toolUseId, name: plan.name, input: plan.input }
      : { type: 'text', text: plan.chunks.join('') };
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [block],
    stop_reason: plan.stopReason,
    stop_sequence: null,
    usage: usageObject(usage.input_tokens, usage.output_tokens),
  };
}

/**
 * The SSE events of a streamed message, in Anthropic's order: `message_start` (usage with
 * `output_tokens: 1`), `content_block_start`, `ping`, one `content_block_delta` per chunk
 * (`text_delta` or `input_json_delta`), `content_block_stop`, `message_delta` (stop_reason and
 * the cumulative `usage.output_tokens`), `message_stop`.
 */
export function anthropicMessageFrames(
  plan: AnthropicAnswerPlan,
  usage: AnthropicUsageCounts,
  meta: MessageMeta,
): SseFrames {
  const event = (type: string, data: object) => sseFrame({ type, ...data }, type);
  const message = {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usageObject(usage.input_tokens, 1),
  };
  const block =
    plan.kind === 'tool_use'
      ? { type: 'tool_use', id: meta.toolUseId, name: plan.name, input: {} }
      : { type: 'text', text: '' };
  return {
    head: [
      event('message_start', { message }),
      event('content_block_start', { index: 0, content_block: block }),
      event('ping', {}),
    ],
    content: plan.chunks.map((piece) =>
      event('content_block_delta', {
        index: 0,
        delta:
          plan.kind === 'tool_use'
            ? { type: 'input_json_delta', partial_json: piece }
            : { type: 'text_delta', text: piece },
      }),
    ),
    tail: [
      event('content_block_stop', { index: 0 }),
      event('message_delta', {
        delta: { stop_reason: plan.stopReason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
      event('message_stop', {}),
    ],
  };
}
