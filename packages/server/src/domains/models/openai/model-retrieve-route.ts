import type { OpenAIModelList } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { isModelAllowed } from '../allowed-models.js';

/**
 * `GET /v1/models/{id}` in OpenAI's shape (the `openai` client's `models.retrieve`): a model the
 * caller may use, by id or alias; any other name is a 404, whether it exists or the key may not
 * use it.
 */
export async function openAIModelRetrieveRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/v1/models/:id',
    {
      schema: { params: z.object({ id: z.string().min(1).max(200) }) },
      onRequest: requireAuth(hub, 'access:ai_models'),
      config: { apiKeyScope: 'models:read' },
    },
    async (request): Promise<OpenAIModelList['data'][number]> => {
      const { id } = request.params as { id: string };
      const model = hub.services.models.catalog.resolve(id);
      if (!model || !isModelAllowed(request.principal!, model)) {
        throw new HubError(
          404,
          'not_found',
          `The model ${id} does not exist or you may not use it: GET /v1/models lists yours`,
        );
      }
      return { id: model.id, object: 'model', created: 0, owned_by: model.deployments[0]?.provider ?? 'hub' };
    },
  );
}
