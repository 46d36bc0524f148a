import type { ChatCompletionRequest, ChatMessage } from '@smart-ai-hub/sdk';

/** Characters of text in a message content: a string, or the `text` of its parts. */
export function contentChars(content: ChatMessage['content'] | undefined): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) {
    const text = (part as { text?: unknown }).text;
    if (typeof text === 'string') chars += text.length;
  }
  return chars;
}

function messageChars(request: ChatCompletionRequest): number {
  let chars = 0;
  for (const message of request.messages) chars += contentChars(message.content);
  return chars;
}

/**
 * The prompt's tokens when the upstream does not say (a stream cut before its usage arrived):
 * the usual 4 characters per token over the messages' text, at least 1.
 */
export function estimatePromptTokens(request: ChatCompletionRequest): number {
  return Math.max(1, Math.ceil(messageChars(request) / 4));
}

/**
 * A bound on the prompt's tokens for sizing the hold: 1 token per 2 characters of text and of
 * the tools' JSON, plus a few per message for the chat framing. Settling never charges more
 * than the hold, so this errs high.
 */
export function promptTokensBound(request: ChatCompletionRequest): number {
  let chars = messageChars(request);
  if (request.tools) chars += JSON.stringify(request.tools).length;
  return Math.ceil(chars / 2) + 4 * request.messages.length + 8;
}

/** The output limit of a request, clamped to the model's: what the hold pays for. */
export function outputTokenLimit(request: ChatCompletionRequest, modelMax: number): number {
  const asked = request.max_completion_tokens ?? request.max_tokens;
  return typeof asked === 'number' && asked > 0 ? Math.min(asked, modelMax) : modelMax;
}
