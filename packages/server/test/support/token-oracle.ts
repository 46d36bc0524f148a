import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

/**
 * What the hub charges when an upstream reports no usable usage, computed here straight from
 * `gpt-tokenizer` (o200k) for plain-text chats: the messages' text joined by newlines, plus 3
 * tokens of framing per message and 3 for the reply's priming.
 */
export function hubPromptCount(messages: Array<{ content: string }>): number {
  return countTokens(messages.map((m) => m.content).join('\n')) + 3 * messages.length + 3;
}

/** The tokens of an answer's text, as the hub counts them (o200k). */
export function hubOutputCount(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}
