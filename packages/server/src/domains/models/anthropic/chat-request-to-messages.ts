import type { ChatCompletionRequest, ChatContentPart, ChatMessage, ChatToolChoice } from '@smart-ai-hub/sdk';
import type {
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicToolChoice,
} from './anthropic-wire.js';
import { parseToolInput } from './chat-completion-to-message.js';

export interface ChatToMessagesOptions {
  /** The model id the Anthropic upstream knows. */
  model: string;
  /** `max_tokens` when the request sets none (Anthropic requires one): the model's output limit. */
  maxTokens: number;
}

/**
 * Translates the hub's chat request (OpenAI's shape) into an Anthropic Messages request, for the
 * Anthropic provider: system and developer messages become `system`, tool results become
 * `tool_result` blocks, consecutive messages of one role merge (Anthropic wants them alternating).
 */
export function chatRequestToMessages(
  request: ChatCompletionRequest,
  options: ChatToMessagesOptions,
): AnthropicMessagesRequest {
  const system: string[] = [];
  const messages: AnthropicMessageParam[] = [];
  const append = (role: 'user' | 'assistant', blocks: AnthropicContentBlockParam[]) => {
    const last = messages.at(-1);
    if (last && last.role === role) (last.content as AnthropicContentBlockParam[]).push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const message of request.messages) appendMessage(message, system, append);

  const out: AnthropicMessagesRequest = {
    model: options.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.maxTokens,
    messages: messages.map(simplify),
  };
  if (system.length > 0) out.system = system.join('\n\n');
  if (request.stream) out.stream = true;
  if (request.temperature !== undefined) out.temperature = Math.min(1, request.temperature);
  if (request.top_p !== undefined) out.top_p = request.top_p;
  if (request.stop !== undefined)
    out.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user) out.metadata = { user_id: request.user };
  if (request.tools?.length) {
    out.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
    const choice = toolChoiceOf(request.tool_choice, request.parallel_tool_calls === false);
    if (choice) out.tool_choice = choice;
  }
  return out;
}

function appendMessage(
  message: ChatMessage,
  system: string[],
  append: (role: 'user' | 'assistant', blocks: AnthropicContentBlockParam[]) => void,
): void {
  switch (message.role) {
    case 'system':
    case 'developer':
      system.push(textOf(message.content));
      return;
    case 'user':
      append('user', blocksOf(message.content));
      return;
    case 'tool':
      append('user', [
        { type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) },
      ]);
      return;
    case 'assistant': {
      const blocks: AnthropicContentBlockParam[] = message.content ? blocksOf(message.content) : [];
      for (const call of message.tool_calls ?? []) {
        blocks.push({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseToolInput(call.function.arguments),
        });
      }
      append('assistant', blocks);
    }
  }
}

function textOf(content: string | ChatContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? String(part.text) : '')).join('');
}

function blocksOf(content: string | ChatContentPart[]): AnthropicContentBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicContentBlockParam[] = [];
  for (const part of content) {
    if (part.type === 'text') blocks.push({ type: 'text', text: String(part.text) });
    else if (part.type === 'image_url')
      blocks.push(imageBlock(String((part.image_url as { url: string }).url)));
  }
  return blocks;
}

function imageBlock(url: string): AnthropicContentBlockParam {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return data
    ? { type: 'image', source: { type: 'base64', media_type: data[1]!, data: data[2]! } }
    : { type: 'image', source: { type: 'url', url } };
}

/** A message of one text block is sent as a plain string, as most clients do. */
function simplify(message: AnthropicMessageParam): AnthropicMessageParam {
  const blocks = message.content as AnthropicContentBlockParam[];
  if (blocks.length === 1 && blocks[0]!.type === 'text')
    return { role: message.role, content: String(blocks[0]!.text) };
  return message;
}

function toolChoiceOf(
  choice: ChatToolChoice | undefined,
  noParallel: boolean,
): AnthropicToolChoice | undefined {
  const flag = noParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return noParallel ? { type: 'auto', ...flag } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...flag };
  if (choice === 'auto') return { type: 'auto', ...flag };
  return { type: 'tool', name: choice.function.name, ...flag };
}
