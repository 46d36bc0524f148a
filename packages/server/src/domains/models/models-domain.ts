import type { HubDomain } from '../../hub/hub-domain.js';
import { adminProvidersRoute } from './admin-providers-route.js';
import { countTokensRoute } from './anthropic/count-tokens-route.js';
import { messagesRoute } from './anthropic/messages-route.js';
import { embeddingsRoute } from './embeddings/embeddings-route.js';
import { releaseKeySpendOnExpiry } from './metering/api-key-spend.js';
import { createModelsService } from './models-service.js';
import { chatCompletionsRoute } from './openai/chat-completions-route.js';
import { openAIModelRetrieveRoute } from './openai/model-retrieve-route.js';
import { nativeModelsRoute, openAIModelsRoute } from './openai/models-routes.js';
import { installOpenAIErrors } from './openai/openai-errors.js';
import { responsesRoutes } from './responses/responses-routes.js';
import { usageRoutes } from './usage/usage-routes.js';
import { wsRoute } from './ws/ws-route.js';

/**
 * The model gateway: catalog, providers, routing, metering, usage. Native routes answer in the
 * hub's envelope; the OpenAI-compatible ones (`/v1/...`) in OpenAI's error shape.
 */
export const modelsDomain: HubDomain = {
  name: 'models',
  setup(hub, options) {
    hub.services.models = createModelsService(hub, options);
    releaseKeySpendOnExpiry(hub);
  },
  async routes(app, hub) {
    await nativeModelsRoute(app, hub);
    await usageRoutes(app, hub);
    await adminProvidersRoute(app, hub);
    await app.register(async (openai) => {
      installOpenAIErrors(openai);
      await openAIModelsRoute(openai, hub);
      await chatCompletionsRoute(openai, hub);
      await embeddingsRoute(openai, hub);
      await openAIModelRetrieveRoute(openai, hub);
      await responsesRoutes(openai, hub);
    });
    await app.register(async (anthropic) => messagesRoute(anthropic, hub));
    await app.register(async (anthropic) => countTokensRoute(anthropic, hub));
    await app.register(async (ws) => wsRoute(ws, hub));
  },
};
