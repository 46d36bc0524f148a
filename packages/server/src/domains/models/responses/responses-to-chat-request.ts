import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatTool,
  ChatToolCall,
  ResponseCreateRequest,
  ResponseFunctionCall,
  ResponseFunctionTool,
  ResponseInputItem,
} from '@smart-ai-hub/sdk';
import { badRequest } from '../../../http/hub-error.js';
import type { StoredItem } from './response-store.js';

type Part = {
  type?: string;
  text?: unknown;
  refusal?: unknown;
  image_url?: unknown;
  file_id?: unknown;
  detail?: unknown;
};

/**
 * Translates a Responses API request (its conversation resolved into items) into the hub's chat
 * request, so `POST /v1/responses` runs the one metered completion path whatever the model's
 * provider. `instructions` become the first system message; messages, function calls and their
 * outputs map one to one; reasoning items have no chat equivalent and are dropped. What the hub
 * cannot serve (built-in tools, files, file ids) is refused by name (400).
 */
export function responsesToChatRequest(
  request: ResponseCreateRequest,
  items: StoredItem[],
): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  for (const [index, item] of items.entries()) addItem(messages, item, `input[${index}]`);
  if (messages.length === 0) throw badRequest('input: the conversation is empty');
  const chat: ChatCompletionRequest = { model: request.model, messages };
  if (request.stream) chat.stream = true;
  if (typeof request.max_output_tokens === 'number') {
    // Models that reason take only `max_completion_tokens`; older servers only `max_tokens`.
    if (request.reasoning?.effort) chat.max_completion_tokens = request.max_output_tokens;
    else chat.max_tokens = request.max_output_tokens;
  }
  if (typeof request.temperature === 'number') chat.temperature = request.temperature;
  if (typeof request.top_p === 'number') chat.top_p = request.top_p;
  if (request.user) chat.user = request.user;
  if (request.reasoning?.effort) chat.reasoning_effort = request.reasoning.effort;
  if (request.text?.verbosity) chat.verbosity = request.text.verbosity;
  const format = responseFormatOf(request.text?.format);
  if (format) chat.response_format = format;
  if (typeof request.prompt_cache_key === 'string') chat.prompt_cache_key = request.prompt_cache_key;
  Object.assign(chat, toolsOf(request));
  return chat;
}

function addItem(messages: ChatMessage[], item: StoredItem, where: string): void {
  const type = item.type ?? 'message';
  if (type === 'message') {
    const message = item as Extract<ResponseInputItem, { role: string }>;
    messages.push(messageOf(message.role, message.content as string | Part[], where));
  } else if (type === 'function_call') {
    const { call_id, name, arguments: args } = item as ResponseFunctionCall;
    const call: ChatToolCall = { id: call_id, type: 'function', function: { name, arguments: args } };
    // Parallel calls are one assistant message with several tool calls, after its text if any.
    const last = messages.at(-1);
    if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
  } else if (type === 'function_call_output') {
    const { call_id, output } = item as Extract<ResponseInputItem, { type: 'function_call_output' }>;
    messages.push({
      role: 'tool',
      tool_call_id: call_id,
      content: typeof output === 'string' ? output : textOf(output as Part[]),
    });
  } else if (type !== 'reasoning') {
    throw badRequest(`${where}: items of type '${type}' are not available through the hub`);
  }
}

function messageOf(
  role: 'user' | 'system' | 'developer' | 'assistant',
  content: string | Part[],
  where: string,
): ChatMessage {
  if (typeof content === 'string') return { role, content };
  if (role === 'assistant') {
    const refusal = content.filter((p) => p.type === 'refusal').map((p) => String(p.refusal));
    return {
      role,
      content: textOf(content),
      ...(refusal.length > 0 ? { refusal: refusal.join('') } : {}),
    };
  }
  if (role === 'system' || role === 'developer') return { role: 'system', content: textOf(content) };
  return { role, content: content.map((part, index) => partOf(part, `${where}.content[${index}]`)) };
}

function partOf(part: Part, where: string): ChatContentPart {
  if (part.type === 'input_text' || part.type === 'output_text')
    return { type: 'text', text: String(part.text) };
  if (part.type === 'input_image') {
    if (typeof part.image_url !== 'string' || !part.image_url) {
      throw badRequest(
        `${where}: images are taken by image_url (a URL or data URL); file ids are not available through the hub`,
      );
    }
    const detail =
      part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? part.detail : undefined;
    return { type: 'image_url', image_url: { url: part.image_url, ...(detail ? { detail } : {}) } };
  }
  throw badRequest(`${where}: content of type '${String(part.type)}' is not available through the hub`);
}

function textOf(parts: Part[]): string {
  return parts
    .filter((p) => typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('');
}

function responseFormatOf(
  format: { type: string; [field: string]: unknown } | undefined,
): ChatCompletionRequest['response_format'] | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_schema') {
    const { type: _type, ...schema } = format;
    return { type: 'json_schema', json_schema: schema };
  }
  return { type: format.type };
}

function toolsOf(
  request: ResponseCreateRequest,
): Pick<ChatCompletionRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'> {
  let tools = (request.tools ?? []).map((tool, index): ChatTool => {
    if (tool.type !== 'function') {
      throw badRequest(
        `tools[${index}]: the built-in tool '${tool.type}' is not available through the hub; declare function tools only`,
      );
    }
    return chatToolOf(tool);
  });
  const out: Pick<ChatCompletionRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'> = {};
  const choice = request.tool_choice;
  if (typeof choice === 'string') out.tool_choice = choice;
  else if (choice?.type === 'function')
    out.tool_choice = { type: 'function', function: { name: choice.name } };
  else if (choice?.type === 'allowed_tools') {
    const allowed = new Set(choice.tools.map((t) => t.name));
    tools = tools.filter((t) => allowed.has(t.function.name));
    out.tool_choice = choice.mode;
  } else if (choice !== undefined && choice !== null) {
    throw badRequest(`tool_choice: '${(choice as { type: string }).type}' is not available through the hub`);
  }
  if (tools.length > 0) out.tools = tools;
  else delete out.tool_choice;
  if (tools.length > 0 && typeof request.parallel_tool_calls === 'boolean') {
    out.parallel_tool_calls = request.parallel_tool_calls;
  }
  return out;
}

function chatToolOf(tool: ResponseFunctionTool): ChatTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    },
  };
}
