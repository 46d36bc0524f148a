import type { ModelInfo, ModelList, OpenAIModelList } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../../http/guards.js';
import type { HubContext } from '../../../hub/hub-context.js';
import type { Principal } from '../../auth/principal.js';
import { unitsToCredits } from '../../credits/money.js';
import { isModelAllowed } from '../allowed-models.js';
import type { CatalogModel } from '../catalog/model-catalog.js';

/** The models a caller may use (an API key may be limited to some; see `isModelAllowed`). */
export function modelsFor(hub: HubContext, principal: Principal): CatalogModel[] {
  return hub.services.models.catalog.models.filter((model) => isModelAllowed(principal, model));
}

export function modelInfo(model: CatalogModel): ModelInfo {
  return {
    id: model.id,
    aliases: model.aliases,
    provider: model.deployments[0]?.provider ?? 'unknown',
    inputPrice: unitsToCredits(model.inputUnitsPerMillion),
    outputPrice: unitsToCredits(model.outputUnitsPerMillion),
    cachePrice: model.cacheUnits === undefined ? null : unitsToCredits(model.cacheUnits),
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
  };
}

/** `GET /api/v1/models` (with prices). */
export async function nativeModelsRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/api/v1/models',
    { onRequest: requireAuth(hub, 'access:ai_models'), config: { apiKeyScope: 'models:read' } },
    async (request): Promise<ModelList> => ({
      data: modelsFor(hub, request.principal!).map(modelInfo),
    }),
  );
}

/** `GET /v1/models` in OpenAI's shape. */
export async function openAIModelsRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/v1/models',
    { onRequest: requireAuth(hub, 'access:ai_models'), config: { apiKeyScope: 'models:read' } },
    async (request): Promise<OpenAIModelList> => ({
      object: 'list',
      data: modelsFor(hub, request.principal!).map((m) => ({
        id: m.id,
        object: 'model',
        created: 0,
        owned_by: m.deployments[0]?.provider ?? 'hub',
      })),
    }),
  );
}
