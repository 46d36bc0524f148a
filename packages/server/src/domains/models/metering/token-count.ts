import type { ChatCompletionRequest } from '@smart-ai-hub/sdk';

/** Tokens counted for an image when the upstream reports no usage: a 1024 x 1024 high-detail image. */
const IMAGE_TOKENS = 765;
/** Per message (role and separators) and per request (the reply's priming), as OpenAI's chat format counts. */
const MESSAGE_TOKENS = 3;
const REPLY_PRIMING = 3;

type CountTokens = (text: string) => number;
let tokenizer: Promise<CountTokens> | undefined;

/**
 * The o200k tokenizer (gpt-4o's, through `gpt-tokenizer`), loaded on first use: it takes ~2 s and
 * ~70 MB to load, and the hub only counts itself when an upstream reports no usable usage (a
 * stream cut short, a server that omits it), never on the usual path.
 */
function loadTokenizer(): Promise<CountTokens> {
  tokenizer ??= import('gpt-tokenizer/encoding/o200k_base').then((m) => m.countTokens as CountTokens);
  return tokenizer;
}

/** Tokens of a text, as the o200k tokenizer counts them. */
export async function countTextTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await loadTokenizer())(text);
}

/**
 * The hub's own count of a request's prompt tokens, for when the upstream reports none: every
 * message's text, tool call arguments and tool results, the tools' and `response_format`'s JSON,
 * tokenized; images at a typical figure; the chat format's framing.
 */
export async function countPromptTokens(request: ChatCompletionRequest): Promise<number> {
  const texts: string[] = [];
  let images = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        const p = part as { type?: unknown; text?: unknown };
        if (typeof p.text === 'string') texts.push(p.text);
        else if (p.type === 'image_url' || p.type === 'image') images++;
        else texts.push(JSON.stringify(part));
      }
    }
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) texts.push(call.function.name, call.function.arguments);
      if (typeof message.refusal === 'string') texts.push(message.refusal);
    }
  }
  if (request.tools?.length) texts.push(JSON.stringify(request.tools));
  if (request.response_format !== undefined) texts.push(JSON.stringify(request.response_format));
  const text = await countTextTokens(texts.join('\n'));
  return text + images * IMAGE_TOKENS + MESSAGE_TOKENS * request.messages.length + REPLY_PRIMING;
}
