import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatTool,
  ChatToolChoice,
} from '@smart-ai-hub/sdk';
import { badRequest } from '../../../http/hub-error.js';
import type {
  AnthropicContentBlockParam,
  AnthropicImageBlock,
  AnthropicMessagesRequest,
  AnthropicTextBlock,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic-wire.js';

/**
 * Translates an Anthropic Messages request into the hub's chat request (OpenAI's shape), so
 * `POST /v1/messages` runs the one completion pipeline whatever the model's provider.
 * Thinking blocks, cache-control marks and server tools have no OpenAI equivalent: blocks are
 * dropped, server tools are refused (400).
 */
export function messagesToChatRequest(request: AnthropicMessagesRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
    } else if (message.role === 'assistant') {
      messages.push(assistantMessage(message.content));
    } else {
      messages.push(...userMessages(message.content));
    }
  }
  const chat: ChatCompletionRequest = { model: request.model, messages, max_tokens: request.max_tokens };
  if (request.stream) chat.stream = true;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.stop_sequences?.length) chat.stop = request.stop_sequences;
  if (request.metadata?.user_id) chat.user = request.metadata.user_id;
  if (request.tools?.length) chat.tools = request.tools.map(toolOf);
  if (request.tool_choice) Object.assign(chat, toolChoiceOf(request.tool_choice));
  return chat;
}

function systemText(system: AnthropicMessagesRequest['system']): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  return system.map((block) => block.text).join('\n\n');
}

function assistantMessage(blocks: AnthropicContentBlockParam[]): ChatMessage {
  const text = blocks
    .filter((b): b is AnthropicTextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('');
  const calls = blocks
    .filter((b): b is AnthropicToolUseBlock => b.type === 'tool_use')
    .map((b) => ({
      id: b.id,
      type: 'function' as const,
      function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
    }));
  return calls.length > 0
    ? { role: 'assistant', content: text || null, tool_calls: calls }
    : { role: 'assistant', content: text };
}

/** Tool results become `tool` messages (first, as OpenAI wants them right after the call); the rest one user message. */
function userMessages(blocks: AnthropicContentBlockParam[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const result = block as AnthropicToolResultBlock;
      out.push({ role: 'tool', tool_call_id: result.tool_use_id, content: toolResultText(result) });
    } else if (block.type === 'text') {
      parts.push({ type: 'text', text: (block as AnthropicTextBlock).text });
    } else if (block.type === 'image') {
      parts.push(imagePart(block as AnthropicImageBlock));
    }
  }
  if (parts.length === 1 && parts[0]!.type === 'text') {
    out.push({ role: 'user', content: (parts[0] as { text: string }).text });
  } else if (parts.length > 0) {
    out.push({ role: 'user', content: parts });
  }
  return out;
}

function toolResultText(result: AnthropicToolResultBlock): string {
  const content = result.content;
  const text =
    content === undefined
      ? ''
      : typeof content === 'string'
        ? content
        : content
            .filter((b): b is AnthropicTextBlock => b.type === 'text')
            .map((b) => b.text)
            .join('\n');
  return result.is_error ? `Error: ${text}` : text;
}

function imagePart(block: AnthropicImageBlock): ChatContentPart {
  const url =
    block.source.type === 'base64'
      ? `data:${block.source.media_type};base64,${block.source.data}`
      : block.source.url;
  return { type: 'image_url', image_url: { url } };
}

function toolOf(tool: NonNullable<AnthropicMessagesRequest['tools']>[number]): ChatTool {
  if (tool.type !== undefined && tool.type !== 'custom') {
    throw badRequest(
      `tools: the server tool '${tool.type}' is not available through the hub; declare client tools only`,
    );
  }
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.input_schema ?? { type: 'object', properties: {} },
    },
  };
}

function toolChoiceOf(
  choice: AnthropicToolChoice,
): Pick<ChatCompletionRequest, 'tool_choice' | 'parallel_tool_calls'> {
  const parallel =
    'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use
      ? { parallel_tool_calls: false }
      : {};
  const toolChoice: ChatToolChoice =
    choice.type === 'any'
      ? 'required'
      : choice.type === 'none'
        ? 'none'
        : choice.type === 'tool'
          ? { type: 'function', function: { name: choice.name } }
          : 'auto';
  return { tool_choice: toolChoice, ...parallel };
}
