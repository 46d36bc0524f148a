import { createHash } from 'node:crypto';
import type { EmbeddingsRequest, EmbeddingsResponse } from '@smart-ai-hub/sdk';
import OpenAI from 'openai';
import type { DeploymentConfig } from '../catalog/catalog-schema.js';
import { toUpstreamError } from '../providers/openai-provider.js';
import type { ProviderCall } from '../providers/provider.js';
import { UpstreamError } from '../providers/upstream-error.js';

/** How the hub asks one deployment for embeddings. `request.model` is the upstream's id. */
export interface EmbeddingsProvider {
  embed(request: EmbeddingsRequest, call: ProviderCall): Promise<EmbeddingsResponse>;
}

/** Token count of an embeddings input when the upstream does not say: 4 characters a token. */
export function estimateEmbeddingTokens(input: EmbeddingsRequest['input']): number {
  const items =
    typeof input === 'string' || typeof input[0] === 'number' ? [input] : (input as Array<string | number[]>);
  let tokens = 0;
  for (const item of items)
    tokens += Array.isArray(item) ? item.length : Math.max(1, Math.ceil(item.length / 4));
  return tokens;
}

/** The mock's vector length when a request sets no `dimensions`. */
const MOCK_DIMENSIONS = 256;

/**
 * The most `dimensions` the mock accepts. OpenAI's text-embedding-3 models shorten their vectors
 * to any length from 1 up to their native one (1536 for -small, 3072 for -large) and refuse a
 * longer one with a 400; the mock takes the longest native length, so a client written for either
 * model runs against it, and refuses past it the same way (a 400 before any vector is built: an
 * unbounded one was a few gigabytes of floats that took a default install down).
 */
export const MOCK_MAX_DIMENSIONS = 3072;

/** A deterministic unit vector for a text (the mock's answer). */
function mockVector(text: string, dimensions: number): number[] {
  const vector: number[] = [];
  let seed = createHash('sha256').update(text).digest();
  while (vector.length < dimensions) {
    for (let i = 0; i + 1 < seed.length && vector.length < dimensions; i += 2)
      vector.push(seed.readInt16BE(i) / 32768);
    seed = createHash('sha256').update(seed).digest();
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

const mockEmbeddings: EmbeddingsProvider = {
  async embed(request) {
    const items =
      typeof request.input === 'string' || typeof request.input[0] === 'number'
        ? [request.input]
        : (request.input as Array<string | number[]>);
    const dimensions = request.dimensions ?? MOCK_DIMENSIONS;
    if (dimensions > MOCK_MAX_DIMENSIONS) {
      throw new UpstreamError(
        `dimensions is ${dimensions}, more than this model's ${MOCK_MAX_DIMENSIONS}: ask for ${MOCK_MAX_DIMENSIONS} or fewer`,
        400,
      );
    }
    const data = items.map((item, index) => {
      const vector = mockVector(Array.isArray(item) ? item.join(',') : item, dimensions);
      const embedding =
        request.encoding_format === 'base64'
          ? Buffer.from(Float32Array.from(vector).buffer).toString('base64')
          : vector;
      return { object: 'embedding' as const, index, embedding };
    });
    const tokens = estimateEmbeddingTokens(request.input);
    return {
      object: 'list',
      data,
      model: request.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  },
};

function openAIEmbeddings(deployment: DeploymentConfig, apiKey: string | undefined): EmbeddingsProvider {
  const client = new OpenAI({
    apiKey: apiKey ?? 'none',
    baseURL: deployment.baseURL ?? 'https://api.openai.com/v1',
    maxRetries: 0,
    timeout: deployment.timeoutMs ?? 600_000,
  });
  return {
    async embed(request, call) {
      try {
        // Vectors pass through as the upstream sent them (base64 stays base64: no decode, no re-encode).
        const response = await client.embeddings.create(
          { ...request, encoding_format: request.encoding_format ?? 'float' } as OpenAI.EmbeddingCreateParams,
          { signal: call.signal },
        );
        return response as unknown as EmbeddingsResponse;
      } catch (error) {
        throw toUpstreamError(error, call.signal);
      }
    },
  };
}

/**
 * The embeddings client of a catalog deployment, or undefined when its provider has none
 * (Anthropic serves no embeddings). Built from the deployment's configuration: its key stays here.
 */
export function embeddingsProviderFor(
  deployment: DeploymentConfig,
  env: Readonly<Record<string, string | undefined>>,
): EmbeddingsProvider | undefined {
  if (deployment.provider === 'mock') return mockEmbeddings;
  if (deployment.provider === 'openai' || deployment.provider === 'openai-compatible') {
    return openAIEmbeddings(
      deployment,
      deployment.apiKey ?? (deployment.apiKeyEnv ? env[deployment.apiKeyEnv] : undefined),
    );
  }
  return undefined;
}
