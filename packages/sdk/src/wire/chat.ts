/**
 * The hub's chat API: the OpenAI Chat Completions wire format, so that the SDK, the React hooks
 * and any OpenAI client share one completion path. What the hub adds rides in `hub` on the
 * response and on the last stream chunk (vendor clients ignore it).
 */

/** A part of a multi-part message content. */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: string; [field: string]: unknown };

/** A function call the assistant asks for. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string | ChatContentPart[]; name?: string }
  | { role: 'user'; content: string | ChatContentPart[]; name?: string }
  | {
      role: 'assistant';
      content?: string | ChatContentPart[] | null;
      name?: string;
      tool_calls?: ChatToolCall[];
      refusal?: string | null;
    }
  | { role: 'tool'; content: string | ChatContentPart[]; tool_call_id: string };

/** A tool the model may call. */
export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ChatToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** `POST /v1/chat/completions`. Unknown OpenAI parameters are passed through to the upstream. */
export interface ChatCompletionRequest {
  /** A model id or alias from `GET /v1/models`. */
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  /** The hub always asks upstreams for usage; `include_usage` only decides whether the client sees it. */
  stream_options?: { include_usage?: boolean };
  /** Output limit; clamped to the model's limit. The hold is sized from it. */
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  n?: number;
  stop?: string | string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: { type: string; [field: string]: unknown };
  /** The host product's end user: recorded on the usage row (or send `x-hub-end-user`). */
  user?: string;
  [field: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

/** What the hub adds to a response or a final stream chunk. Amounts in credits. */
export interface HubCharge {
  /** Credits charged for this request. */
  cost: number;
  /** The caller's balance after the charge (credits). */
  balance: number;
  requestId: string;
  /** True when the answer came from the hub's response cache. */
  cached?: boolean;
}

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: ChatToolCall[];
      refusal?: string | null;
      [field: string]: unknown;
    };
    finish_reason: ChatFinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: ChatUsage;
  system_fingerprint?: string | null;
  hub?: HubCharge;
  [field: string]: unknown;
}

/** A streamed tool-call fragment: `index` says which call it extends. */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      tool_calls?: ChatToolCallDelta[];
      refusal?: string | null;
      [field: string]: unknown;
    };
    finish_reason: ChatFinishReason | null;
    logprobs?: unknown;
  }>;
  /** Set on the last chunk only (`choices: []`). */
  usage?: ChatUsage | null;
  system_fingerprint?: string | null;
  /** Set on the last chunk only. */
  hub?: HubCharge;
  [field: string]: unknown;
}
