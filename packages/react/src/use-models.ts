import type { ModelInfo } from '@smart-ai-hub/sdk';
import { useEffect } from 'react';
import { useHub } from './hub-context.js';
import { useStore } from './use-store.js';

export interface UseModelsResult {
  /** The models the hub serves, with prices in credits per million tokens; empty until loaded. */
  models: ModelInfo[];
  loading: boolean;
  error: Error | undefined;
  refresh(): Promise<void>;
}

/** The hub's models with their prices (`GET /api/v1/models`), loaded once and shared. */
export function useModels(): UseModelsResult {
  const { models } = useHub().stores;
  const { data, loading, error } = useStore(models);
  useEffect(() => models.load(), [models]);
  return { models: data ?? NO_MODELS, loading, error, refresh: models.refresh };
}

const NO_MODELS: ModelInfo[] = [];
