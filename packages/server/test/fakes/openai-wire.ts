import type { OpenAIAnswerPlan, OpenAIUsageCounts } from './openai-answer.js';
import type { SseFrames } from './sse-stream.js';

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const ERROR_DEFAULTS: Record<number, [type: string, code: string | null, message: string]> = {
  400: ['invalid_request_error', null, 'Invalid request.'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'],
  403: [
    'invalid_request_error',
    'unsupported_country_region_territory',
    'Country, region, or territory not supported.',
  ],
  404: ['invalid_request_error', null, 'Not found.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again later.'],
  500: ['server_error', null, 'The server had an error while processing your request. Sorry about that!'],
  503: ['server_error', null, 'The engine is currently overloaded, please try again later.'],
};

/** An error body in OpenAI's shape, with per-status defaults for type, code and message. */
export function openAIError(
  status: number,
  override: Partial<OpenAIErrorBody['error']> = {},
): OpenAIErrorBody {
  const [type, code, message] =
    ERROR_DEFAULTS[status] ?? (status >= 500 ? ERROR_DEFAULTS[500]! : ERROR_DEFAULTS[400]!);
  return { error: { message, type, param: null, code, ...override } };
}

/** OpenAI's full `usage` object, detail sub-objects included. */
export function openAIUsageObject(counts: OpenAIUsageCounts) {
  return {
    ...counts,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  toolCallId: string;
}

function toolCallOf(plan: Extract<OpenAIAnswerPlan, { kind: 'tool_call' }>, meta: CompletionMeta) {
  return {
    id: meta.toolCallId,
    type: 'function',
    function: { name: plan.name, arguments: plan.argumentsJson },
  };
}

/** A non-streaming `chat.completion` object. */
export function chatCompletion(plan: OpenAIAnswerPlan, usage: OpenAIUsageCounts, meta: CompletionMeta) {
  const message =
    plan.kind === 'tool_call'
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [toolCallOf(plan, meta)],
          refusal: null,
          annotations: [],
        }
      : { role: 'assistant', content: plan.chunks.join(''), refusal: null, annotations: [] };
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: openAIUsageObject(usage),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

/**
 * The SSE frames of a streamed completion, as OpenAI sends them: a role chunk, one chunk per
 * content word (or tool-call argument fragment), a chunk carrying `finish_reason`, then with
 * `include_usage` a last chunk with `choices: []` and `usage` (every earlier chunk has
 * `usage: null`), and `data: [DONE]`.
 */
export function chatCompletionFrames(
  plan: OpenAIAnswerPlan,
  usage: OpenAIUsageCounts,
  meta: CompletionMeta,
  includeUsage: boolean,
): SseFrames {
  const base = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model };
  const tail = {
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
    ...(includeUsage ? { usage: null } : {}),
  };
  const frame = (delta: object, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ ...base, ...tail, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;

  const head =
    plan.kind === 'tool_call'
      ? frame({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, ...toolCallOf(plan, meta), function: { name: plan.name, arguments: '' } }],
          refusal: null,
        })
      : frame({ role: 'assistant', content: '', refusal: null });
  const content = plan.chunks.map((piece) =>
    plan.kind === 'tool_call'
      ? frame({ tool_calls: [{ index: 0, function: { arguments: piece } }] })
      : frame({ content: piece }),
  );
  const end = [frame({}, plan.finishReason)];
  if (includeUsage) {
    end.push(
      `data: ${JSON.stringify({ ...base, ...tail, choices: [], usage: openAIUsageObject(usage) })}\n\n`,
    );
  }
  end.push('data: [DONE]\n\n');
  return { head: [head], content, tail: end };
}
