import { anthropicProvider } from '../anthropic/anthropic-provider.js';
import { mockProvider } from './mock-provider.js';
import { openAICompatibleProvider } from './openai-compatible-provider.js';
import { openAIProvider } from './openai-provider.js';
import type { ProviderFactory } from './provider.js';

/** The providers every hub has, by the name deployments use. */
export const builtInProviders: Record<string, ProviderFactory> = {
  mock: mockProvider,
  openai: openAIProvider,
  'openai-compatible': openAICompatibleProvider,
  anthropic: anthropicProvider,
};
