import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../../http/guards.js';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { assertModelAllowed } from '../allowed-models.js';
import { countPromptTokens } from '../metering/token-count.js';
import { installAnthropicErrors } from './anthropic-errors.js';
import type { AnthropicMessagesRequest } from './anthropic-wire.js';
import { messagesBodySchema } from './messages-schema.js';
import { messagesToChatRequest } from './messages-to-chat-request.js';

const countTokensBodySchema = messagesBodySchema.omit({ max_tokens: true, stream: true });

/**
 * `POST /v1/messages/count_tokens` (Anthropic's): the prompt tokens of a Messages request as the
 * hub counts them (its o200k count over the translated request, the figure it meters with when an
 * upstream reports none), without calling a model or charging anything. Errors in Anthropic's shape.
 */
export async function countTokensRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  installAnthropicErrors(app);
  app.post(
    '/v1/messages/count_tokens',
    {
      schema: { body: countTokensBodySchema },
      onRequest: requireAuth(hub, 'access:ai_models'),
      config: { apiKeyScope: 'models:call' },
    },
    async (request): Promise<{ input_tokens: number }> => {
      // No `max_tokens` here: counting needs none.
      const body = request.body as AnthropicMessagesRequest;
      const model = hub.services.models.catalog.resolve(body.model);
      if (!model) {
        throw new HubError(
          404,
          'not_found',
          `Model ${body.model} not found: GET /v1/models lists the models you may use`,
        );
      }
      assertModelAllowed(request.principal!, model, body.model);
      const chat = messagesToChatRequest({ ...body, max_tokens: 1 });
      return { input_tokens: await countPromptTokens(chat) };
    },
  );
}
