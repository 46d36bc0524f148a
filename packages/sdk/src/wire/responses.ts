import type { HubCharge } from './chat.js';

/**
 * The hub's Responses API: OpenAI's `POST /v1/responses` wire format, served for every model of
 * the catalog (translated over the one chat completion path). What the hub adds rides in `hub` on
 * the response and on the final stream event (vendor clients ignore it).
 */

/** A part of an input message. Images by URL or data URL; files and file ids are refused (400). */
export type ResponseInputContent =
  | { type: 'input_text'; text: string }
  | {
      type: 'input_image';
      image_url?: string | null;
      file_id?: string | null;
      detail?: 'low' | 'high' | 'auto';
    }
  | { type: 'input_file'; [field: string]: unknown };

/** Text the model wrote, or a refusal, inside an output message. */
export type ResponseOutputContent =
  | { type: 'output_text'; text: string; annotations: unknown[]; logprobs?: unknown[] }
  | { type: 'refusal'; refusal: string };

export interface ResponseOutputMessage {
  type: 'message';
  /** `msg_...`: an `item_reference` may name it in a later request. */
  id: string;
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: ResponseOutputContent[];
}

/** A call of one of the request's function tools: answer it with a `function_call_output` item. */
export interface ResponseFunctionCall {
  type: 'function_call';
  /** `fc_...`. */
  id: string;
  /** The id a `function_call_output` answers. */
  call_id: string;
  name: string;
  /** JSON text. */
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionCall;

/** An item of `input`: a message, an earlier output item, a tool result, or a stored item by id. */
export type ResponseInputItem =
  | {
      type?: 'message';
      id?: string;
      role: 'user' | 'system' | 'developer' | 'assistant';
      content: string | Array<ResponseInputContent | ResponseOutputContent>;
      status?: string;
    }
  | (Omit<ResponseFunctionCall, 'id' | 'status'> & { id?: string; status?: string })
  | {
      type: 'function_call_output';
      id?: string;
      call_id: string;
      output: string | ResponseInputContent[];
      status?: string;
    }
  | { type: 'item_reference'; id: string }
  | { type: 'reasoning'; id?: string; summary?: unknown[]; [field: string]: unknown };

/** A function the model may call. Built-in tools (web search, files, computer) are refused (400). */
export interface ResponseFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponseToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'allowed_tools'; mode: 'auto' | 'required'; tools: Array<{ type: 'function'; name: string }> };

/** `POST /v1/responses`. Parameters the hub has no use for are accepted and ignored. */
export interface ResponseCreateRequest {
  /** A model id or alias from `GET /v1/models`. */
  model: string;
  input?: string | ResponseInputItem[];
  /** A system message for this response only (not carried over by `previous_response_id`). */
  instructions?: string | null;
  /** Continue the conversation of a stored response of yours. */
  previous_response_id?: string | null;
  /** Keep this response for `previous_response_id`, `item_reference` and `GET` (default true). */
  store?: boolean | null;
  stream?: boolean | null;
  /** Output limit; clamped to the model's limit. The hold is sized from it. */
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  tools?: ResponseFunctionTool[];
  tool_choice?: ResponseToolChoice;
  parallel_tool_calls?: boolean | null;
  /** Passed to models that reason (`reasoning_effort` upstream); others ignore it. */
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  text?: { format?: { type: string; [field: string]: unknown }; verbosity?: string | null } | null;
  metadata?: Record<string, string> | null;
  /** The host product's end user: recorded on the usage row. */
  user?: string;
  [field: string]: unknown;
}

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

/** A response, as `POST /v1/responses` answers and `GET /v1/responses/{id}` returns it. */
export interface ResponseObject {
  /** `resp_...`. */
  id: string;
  object: 'response';
  /** Epoch seconds. */
  created_at: number;
  completed_at?: number | null;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  /** The hub model that answered. */
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null } | null;
  store: boolean;
  temperature: number | null;
  text: { format: { type: string; [field: string]: unknown } };
  tool_choice: ResponseToolChoice;
  tools: ResponseFunctionTool[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
  /** What the hub charged (credits): on a finished response. */
  hub?: HubCharge;
}

/** Fields every stream event has. */
interface StreamEventBase {
  /** 0, 1, 2, ... in the order the events were sent. */
  sequence_number: number;
}

/**
 * One server-sent event of a streamed response (`event:` is its `type`). The stream ends on
 * `response.completed`, `response.incomplete` or `response.failed`, whose `response` carries the
 * usage and the hub's charge.
 */
export type ResponseStreamEvent = StreamEventBase &
  (
    | {
        type:
          | 'response.created'
          | 'response.in_progress'
          | 'response.completed'
          | 'response.incomplete'
          | 'response.failed';
        response: ResponseObject;
      }
    | {
        type: 'response.output_item.added' | 'response.output_item.done';
        output_index: number;
        item: ResponseOutputItem;
      }
    | {
        type: 'response.content_part.added' | 'response.content_part.done';
        item_id: string;
        output_index: number;
        content_index: number;
        part: ResponseOutputContent;
      }
    | {
        type: 'response.output_text.delta';
        item_id: string;
        output_index: number;
        content_index: number;
        delta: string;
        logprobs: unknown[];
      }
    | {
        type: 'response.output_text.done';
        item_id: string;
        output_index: number;
        content_index: number;
        text: string;
        logprobs: unknown[];
      }
    | {
        type: 'response.refusal.delta';
        item_id: string;
        output_index: number;
        content_index: number;
        delta: string;
      }
    | {
        type: 'response.refusal.done';
        item_id: string;
        output_index: number;
        content_index: number;
        refusal: string;
      }
    | { type: 'response.function_call_arguments.delta'; item_id: string; output_index: number; delta: string }
    | {
        type: 'response.function_call_arguments.done';
        item_id: string;
        output_index: number;
        name: string;
        arguments: string;
      }
    | { type: 'error'; code: string | null; message: string; param: string | null }
  );

/** `GET /v1/responses/{id}/input_items`: a page, newest first unless `order=asc`. */
export interface ResponseInputItemList {
  object: 'list';
  data: Array<ResponseInputItem & { id: string }>;
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** `DELETE /v1/responses/{id}`. */
export interface ResponseDeleted {
  id: string;
  object: 'response';
  deleted: true;
}
