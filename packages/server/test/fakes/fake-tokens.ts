/**
 * The deterministic "tokenizer" the LLM fakes share, so tests can compute exact charges:
 * - text costs `max(1, ceil(characters / 4))` tokens;
 * - an answer of N words is N tokens, streamed as N chunks (`"word1"`, `" word2"`, …);
 * - tool-call arguments (JSON) cost `max(1, ceil(length / 4))` tokens, streamed in 4-character fragments.
 */
export const CHARS_PER_TOKEN = 4;

/** Tokens for `chars` characters of text: `max(1, ceil(chars / 4))`. */
export function tokensForChars(chars: number): number {
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}

/** The streamed pieces of an N-word answer: `["word1", " word2", …]`. */
export function contentChunks(words: number): string[] {
  const chunks: string[] = [];
  for (let i = 1; i <= words; i++) chunks.push(i === 1 ? 'word1' : ` word${i}`);
  return chunks;
}

/** The full text of an N-word answer: `"word1 word2 … wordN"`. */
export function contentText(words: number): string {
  return contentChunks(words).join('');
}

/** Tool-call argument JSON cut into 4-character fragments; one fragment per completion token. */
export function argumentFragments(json: string): string[] {
  if (json.length === 0) return [''];
  const fragments: string[] = [];
  for (let i = 0; i < json.length; i += CHARS_PER_TOKEN) fragments.push(json.slice(i, i + CHARS_PER_TOKEN));
  return fragments;
}

/** Characters of text in a chat-style `content`: a string, or the `text` of its parts. */
export function textChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      chars += (part as { text: string }).text.length;
    }
  }
  return chars;
}
