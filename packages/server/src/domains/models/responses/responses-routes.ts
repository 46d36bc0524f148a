import { newId } from '@smart-ai-hub/adapters';
import type { ResponseCreateRequest, ResponseDeleted, ResponseObject } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../../http/guards.js';
import { badRequest, notFound } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { chargeHeaders } from '../anthropic/charge-headers.js';
import { runChatCompletion } from '../completion-pipeline.js';
import { clientAbortSignal } from '../openai/client-abort.js';
import { completionToResponse } from './chat-completion-to-response.js';
import { resolveInput } from './response-input.js';
import { newResponse } from './response-object.js';
import { startRetentionSweep } from './response-retention.js';
import { ResponseStore } from './response-store.js';
import {
  inputItemsQuerySchema,
  responseIdParamsSchema,
  responsesHeadersSchema,
  responsesRequestSchema,
} from './responses-request-schema.js';
import { responsesToChatRequest } from './responses-to-chat-request.js';
import { streamResponse } from './stream-response.js';

const DAY_MS = 24 * 3600_000;

/**
 * OpenAI's Responses API over the hub's one metered completion path, for every model of the
 * catalog: `POST /v1/responses` (streamed or not) and, for stored responses, `GET` and `DELETE
 * /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`. Register it in a context that
 * answers errors in OpenAI's shape. Storage follows `HUB_RESPONSES_STORE` and
 * `HUB_RESPONSES_RETENTION_DAYS`.
 */
export async function responsesRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const { HUB_RESPONSES_STORE, HUB_RESPONSES_RETENTION_DAYS } = hub.config.env;
  const store =
    HUB_RESPONSES_STORE === 'on'
      ? new ResponseStore(hub.db, HUB_RESPONSES_RETENTION_DAYS * DAY_MS)
      : undefined;
  if (store) hub.onClose(startRetentionSweep(store, hub.log));
  const guard = {
    onRequest: requireAuth(hub, 'access:ai_models'),
    config: { apiKeyScope: 'models:call' as const },
  };
  const noStorage = (id: string) =>
    notFound(
      `Response ${id}${store ? '' : ' (this hub keeps no responses: its operator turned storage off)'} was`,
    );

  app.post(
    '/v1/responses',
    { ...guard, schema: { body: responsesRequestSchema, headers: responsesHeadersSchema } },
    async (request, reply) => {
      const body = request.body as ResponseCreateRequest;
      const owner = request.principal!.userId;
      if (body.store === true && !store) {
        throw badRequest(
          'store: this hub keeps no responses (its operator turned storage off); send store: false',
        );
      }
      const storing = store !== undefined && body.store !== false;
      const { history, input } = await resolveInput(body, owner, store);
      const chat = responsesToChatRequest(body, [...history, ...input]);
      const endUser = request.headers['x-hub-end-user'];
      const signal = clientAbortSignal(reply);
      const result = await runChatCompletion(hub, {
        principal: request.principal!,
        request: chat,
        requestId: String(request.id),
        endUser: typeof endUser === 'string' && endUser ? endUser.slice(0, 256) : undefined,
        signal,
        endpoint: '/v1/responses',
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      });
      const started = newResponse(body, {
        id: newId('resp'),
        model: hub.services.models.catalog.resolve(body.model)?.id ?? body.model,
        store: storing,
      });
      const save = storing ? (response: ResponseObject) => store!.save(owner, response, input) : undefined;
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      if (result.maxTokensLowered !== undefined)
        reply.header('x-hub-max-tokens', String(result.maxTokensLowered));
      if (result.kind === 'response') {
        const response = completionToResponse(started, result.response);
        await save?.(response);
        reply.headers(chargeHeaders(result.charge));
        return response;
      }
      return streamResponse({ request, reply, signal, result, started, save });
    },
  );

  app.get('/v1/responses/:id', { ...guard, schema: { params: responseIdParamsSchema } }, async (request) => {
    const { id } = request.params as { id: string };
    const response = await store?.get(request.principal!.userId, id);
    if (!response) throw noStorage(id);
    return response;
  });

  app.delete(
    '/v1/responses/:id',
    { ...guard, schema: { params: responseIdParamsSchema } },
    async (request): Promise<ResponseDeleted> => {
      const { id } = request.params as { id: string };
      if (!(await store?.delete(request.principal!.userId, id))) throw noStorage(id);
      return { id, object: 'response', deleted: true };
    },
  );

  app.get(
    '/v1/responses/:id/input_items',
    { ...guard, schema: { params: responseIdParamsSchema, querystring: inputItemsQuerySchema } },
    async (request) => {
      const { id } = request.params as { id: string };
      const query = request.query as { after?: string; limit: number; order: 'asc' | 'desc' };
      const page = await store?.inputItems(request.principal!.userId, id, query);
      if (!page) throw noStorage(id);
      return page;
    },
  );
}
