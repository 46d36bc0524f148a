import type { ChatCompletionRequest } from '@smart-ai-hub/sdk';
import { HubError } from '../../../http/hub-error.js';

/**
 * Tokens one image input can cost at most, whatever its size: OpenAI's high-detail images top out
 * near 1,500 tokens (gpt-4o) to 2,500 (patch-priced models), Anthropic's near 1,600. Images are
 * priced by their pixels, not their bytes, so a short URL can carry one: each counts this much.
 */
export const IMAGE_TOKENS_BOUND = 3_000;

/** Framing tokens per message (role markers, separators), and per request (the reply's priming). */
const MESSAGE_FRAMING = 8;
const REQUEST_FRAMING = 32;
/** The tool-use instructions a provider adds to the prompt when tools are present (Anthropic: ~350). */
const TOOLS_PREAMBLE = 1_024;

/** Content part kinds whose price cannot be bounded from the request (a PDF's pages, an uploaded file). */
const UNBOUNDED_PARTS = new Set(['file', 'input_file']);

/**
 * An upper bound on the prompt tokens a request can be billed for, counting everything the
 * upstream sees: every message and part (text, tool calls and their arguments, tool results,
 * refusals), tools, `response_format` schemas, `prediction`, and any field the hub does not know
 * (passed through, so billed). The rule: a byte-level BPE token (OpenAI's, Anthropic's) covers at
 * least one UTF-8 byte, so the request's JSON size bounds its text's tokens; images count
 * {@link IMAGE_TOKENS_BOUND} each instead of their bytes. Throws 400 for a part whose cost
 * cannot be bounded (file inputs).
 */
export function promptTokensBound(request: ChatCompletionRequest): number {
  let images = 0;
  let imageBytes = 0;
  let partsToInspect = false;
  for (const message of request.messages) {
    if (Array.isArray(message.content)) {
      partsToInspect = true;
      break;
    }
  }
  if (partsToInspect) {
    for (const message of request.messages) {
      if (!Array.isArray(message.content)) continue;
      for (const part of message.content) {
        const type = (part as { type?: unknown }).type;
        if (typeof type === 'string' && UNBOUNDED_PARTS.has(type)) {
          throw new HubError(
            400,
            'validation_error',
            `Invalid request: messages: content parts of type ${type} are not accepted (the hub cannot bound their price); send their text or page images instead`,
          );
        }
        if (type === 'image_url' || type === 'image') {
          images++;
          imageBytes += byteLength(JSON.stringify(part));
        }
      }
    }
  }
  const requestBytes = byteLength(JSON.stringify(request)) - imageBytes;
  return (
    requestBytes +
    images * IMAGE_TOKENS_BOUND +
    MESSAGE_FRAMING * request.messages.length +
    REQUEST_FRAMING +
    (request.tools?.length ? TOOLS_PREAMBLE : 0)
  );
}

/**
 * A quick guess of a request's prompt tokens: 4 characters of message text a token, at least 1.
 * For the tokens-per-minute limit and the mock provider's usage, where a tokenizer costs too
 * much; never for charging.
 */
export function guessPromptTokens(request: ChatCompletionRequest): number {
  let chars = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text = (part as { text?: unknown }).text;
        if (typeof text === 'string') chars += text.length;
      }
    }
  }
  return Math.max(1, Math.ceil(chars / 4));
}

/**
 * The output tokens a request can be billed for: its limit for each choice, plus a `prediction`'s
 * size (OpenAI bills rejected prediction tokens as output).
 */
export function outputTokensBound(request: ChatCompletionRequest, maxOutput: number): number {
  const prediction = request.prediction === undefined ? 0 : byteLength(JSON.stringify(request.prediction));
  return maxOutput * choicesOf(request) + prediction;
}

/** The output limit of a request, clamped to the model's: the most one choice may produce. */
export function outputTokenLimit(request: ChatCompletionRequest, modelMax: number): number {
  const asked = request.max_completion_tokens ?? request.max_tokens;
  return typeof asked === 'number' && asked > 0 ? Math.min(asked, modelMax) : modelMax;
}

/** True when the caller chose the output limit (then the hub never lowers it to fit the balance). */
export function outputLimitAsked(request: ChatCompletionRequest): boolean {
  const asked = request.max_completion_tokens ?? request.max_tokens;
  return typeof asked === 'number' && asked > 0;
}

function choicesOf(request: ChatCompletionRequest): number {
  return typeof request.n === 'number' && request.n > 1 ? request.n : 1;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
