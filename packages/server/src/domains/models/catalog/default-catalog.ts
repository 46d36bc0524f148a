import type { Env } from '../../../config/env-schema.js';
import type { ModelConfigInput } from './catalog-schema.js';

/**
 * The catalog a fresh install starts with: the keyless `mock` models, plus OpenAI and Anthropic
 * models when `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` are set. Prices in credits per million tokens.
 */
export function defaultCatalog(env: Env): ModelConfigInput[] {
  const models: ModelConfigInput[] = [
    {
      id: 'mock-small',
      aliases: ['mock'],
      inputPrice: 0.5,
      outputPrice: 1.5,
      contextWindow: 32_000,
      maxOutputTokens: 4_096,
      deployments: [{ id: 'mock-small', provider: 'mock' }],
    },
    {
      id: 'mock-large',
      inputPrice: 3,
      outputPrice: 15,
      contextWindow: 200_000,
      maxOutputTokens: 8_192,
      deployments: [{ id: 'mock-large', provider: 'mock', mock: { words: 24 } }],
    },
  ];
  if (env.OPENAI_API_KEY) {
    const openai = (id: string) => ({
      id: `openai-${id}`,
      provider: 'openai',
      model: id,
      apiKeyEnv: 'OPENAI_API_KEY',
      baseURL: env.OPENAI_BASE_URL,
    });
    models.push(
      {
        id: 'gpt-4o-mini',
        inputPrice: 0.15,
        outputPrice: 0.6,
        maxOutputTokens: 16_384,
        deployments: [openai('gpt-4o-mini')],
      },
      {
        id: 'gpt-4o',
        inputPrice: 2.5,
        outputPrice: 10,
        maxOutputTokens: 16_384,
        deployments: [openai('gpt-4o')],
      },
    );
  }
  if (env.ANTHROPIC_API_KEY) {
    const anthropic = (id: string) => ({
      id: `anthropic-${id}`,
      provider: 'anthropic',
      model: id,
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      baseURL: env.ANTHROPIC_BASE_URL,
    });
    models.push(
      {
        id: 'claude-haiku-4-5',
        inputPrice: 1,
        outputPrice: 5,
        contextWindow: 200_000,
        maxOutputTokens: 8_192,
        deployments: [anthropic('claude-haiku-4-5')],
      },
      {
        id: 'claude-sonnet-4-5',
        inputPrice: 3,
        outputPrice: 15,
        contextWindow: 200_000,
        maxOutputTokens: 8_192,
        deployments: [anthropic('claude-sonnet-4-5')],
      },
    );
  }
  return models;
}
