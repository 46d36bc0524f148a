import type { HubContext } from '../../../hub/hub-context.js';
import type { CatalogDeployment } from '../catalog/model-catalog.js';
import { type EmbeddingsProvider, embeddingsProviderFor } from './embeddings-provider.js';

const built = new WeakMap<HubContext, Map<string, EmbeddingsProvider | undefined>>();

/**
 * The embeddings provider of each deployment (built on first use from the deployment's config;
 * undefined for a deployment that serves no embeddings), once per hub.
 */
export function embeddingsProvidersOf(
  hub: HubContext,
): (d: CatalogDeployment) => EmbeddingsProvider | undefined {
  let cache = built.get(hub);
  if (!cache) {
    cache = new Map();
    built.set(hub, cache);
  }
  const providers = cache;
  const env = { ...process.env, ...(hub.config.env as unknown as Record<string, string | undefined>) };
  const configs = new Map<string, unknown>();
  for (const model of hub.services.models.catalog.models) {
    for (const d of model.config.deployments) if (!configs.has(d.id)) configs.set(d.id, d);
  }
  return (deployment) => {
    if (!providers.has(deployment.id)) {
      const config = configs.get(deployment.id);
      providers.set(
        deployment.id,
        config
          ? embeddingsProviderFor(config as Parameters<typeof embeddingsProviderFor>[0], env)
          : undefined,
      );
    }
    return providers.get(deployment.id);
  };
}
