import type { EmbeddingsRequest } from '@smart-ai-hub/sdk';
import { countTextTokens } from '../metering/token-count.js';

/** The input's items: one string or token array, or a list of them. */
function itemsOf(input: EmbeddingsRequest['input']): Array<string | number[]> {
  return typeof input === 'string' || typeof input[0] === 'number'
    ? [input as string | number[]]
    : (input as Array<string | number[]>);
}

/**
 * The most tokens an embeddings input can be billed for: a token array's length, a string's UTF-8
 * bytes (a byte-level BPE token covers at least one byte, as for chat prompts).
 */
export function embeddingTokensBound(input: EmbeddingsRequest['input']): number {
  let tokens = 0;
  for (const item of itemsOf(input))
    tokens += Array.isArray(item) ? item.length : Buffer.byteLength(item, 'utf8');
  return Math.max(1, tokens);
}

/** The hub's own count of an input's tokens (o200k), for when the upstream reports no usable usage. */
export async function countEmbeddingTokens(input: EmbeddingsRequest['input']): Promise<number> {
  let tokens = 0;
  for (const item of itemsOf(input))
    tokens += Array.isArray(item) ? item.length : await countTextTokens(item);
  return tokens;
}
