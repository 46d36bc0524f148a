import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { chargeHeaders } from '../anthropic/charge-headers.js';
import { gatewayDepsOf } from '../gateway/gateway-deps.js';
import { embeddingsProvidersOf } from './embeddings-deployments.js';
import { runEmbeddings } from './run-embeddings.js';

const embeddingsBodySchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

/**
 * `POST /v1/embeddings` (OpenAI's wire format), metered like chat. Register it in the context of
 * the OpenAI-compatible routes, so its errors answer in OpenAI's shape.
 */
export async function embeddingsRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/embeddings',
    {
      schema: { body: embeddingsBodySchema },
      onRequest: requireAuth(hub, 'access:ai_models'),
      config: { apiKeyScope: 'models:call' },
    },
    async (request, reply) => {
      const controller = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const endUser = request.headers['x-hub-end-user'];
      const { response, charge } = await runEmbeddings(gatewayDepsOf(hub), embeddingsProvidersOf(hub), {
        principal: request.principal!,
        request: request.body as Parameters<typeof runEmbeddings>[2]['request'],
        requestId: String(request.id),
        endUser: typeof endUser === 'string' ? endUser : undefined,
        signal: controller.signal,
      });
      reply.headers(chargeHeaders(charge));
      return response;
    },
  );
}
