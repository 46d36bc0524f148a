import type {
  ChatFinishReason,
  ChatUsage,
  ResponseCreateRequest,
  ResponseFunctionTool,
  ResponseObject,
  ResponseUsage,
} from '@smart-ai-hub/sdk';

/**
 * The response a request starts (`status: in_progress`, no output yet): the request's settings
 * echoed as OpenAI does, under the hub model's id.
 */
export function newResponse(
  request: ResponseCreateRequest,
  facts: { id: string; model: string; store: boolean },
): ResponseObject {
  const format = request.text?.format ?? { type: 'text' };
  return {
    id: facts.id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: facts.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: request.reasoning
      ? { effort: request.reasoning.effort ?? null, summary: request.reasoning.summary ?? null }
      : null,
    store: facts.store,
    temperature: request.temperature ?? null,
    text: { format },
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []) as ResponseFunctionTool[],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

/** The Responses API's usage for a chat usage, cached and reasoning tokens included when reported. */
export function responseUsageOf(usage: ChatUsage | null | undefined): ResponseUsage | null {
  if (!usage) return null;
  const details = (value: unknown, key: string) => {
    const n = (value as Record<string, unknown> | undefined)?.[key];
    return typeof n === 'number' && Number.isFinite(n) ? n : 0;
  };
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: details(usage.prompt_tokens_details, 'cached_tokens') },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: details(usage.completion_tokens_details, 'reasoning_tokens') },
    total_tokens: usage.total_tokens,
  };
}

/** How a chat answer's finish reason ends a response: `incomplete` when cut by a limit or a filter. */
export function finishedStatus(
  reason: ChatFinishReason | null | undefined,
): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (reason === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}
