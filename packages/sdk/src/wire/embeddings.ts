import type { HubCharge } from './chat.js';

/** `POST /v1/embeddings`: OpenAI's wire format. */
export interface EmbeddingsRequest {
  /** A model id or alias from `GET /v1/models`. */
  model: string;
  /** A text, a list of texts, or token arrays. */
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  /** The host product's end user, recorded on the usage row. */
  user?: string;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
  /** What the hub charged (credits). */
  hub?: HubCharge;
}
