import type {
  WebhookDeliveryDetail,
  WebhookDeliveryInfo,
  WebhookDeliveryPage,
  WebhookEndpointInfo,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../http/guards.js';
import type { HubContext } from '../../hub/hub-context.js';
import { toEndpointInfo } from './webhook-wire.js';

const url = z.string().trim().min(1).max(2_000);
const events = z.array(z.string().min(1).max(100)).min(1).max(50);
const description = z.string().trim().max(500);
const createBody = z.object({ url, events, description: description.optional() }).strict();
const updateBody = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: description.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
const endpointParams = z.object({ id: z.string().min(1).max(64) });
const deliveryParams = endpointParams.extend({ deliveryId: z.string().min(1).max(64) });
const deliveriesQuery = z
  .object({
    status: z.enum(['pending', 'succeeded', 'failed']).optional(),
    cursor: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/**
 * `/api/v1/admin/webhooks`: register an endpoint (the signing secret is answered once), list,
 * read, edit (URL, events, description, disabled), delete, rotate the secret; each endpoint's
 * delivery log and a resend. Admins only (an API key needs the `admin` scope).
 */
export async function webhookRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { endpoints, deliveries } = hub.services.webhooks;
  const admins = { onRequest: requireAuth(hub, 'write:users'), config: { apiKeyScope: 'admin' as const } };

  app.post('/api/v1/admin/webhooks', { ...admins, schema: { body: createBody } }, async (request, reply) => {
    const { row, secret } = await endpoints.create(request.body);
    const created: WebhookEndpointWithSecret = { ...toEndpointInfo(row), secret };
    return reply.code(201).send(created);
  });

  app.get(
    '/api/v1/admin/webhooks',
    admins,
    async (): Promise<WebhookEndpointList> => ({
      data: (await endpoints.list()).map(toEndpointInfo),
    }),
  );

  app.get(
    '/api/v1/admin/webhooks/:id',
    { ...admins, schema: { params: endpointParams } },
    async (request): Promise<WebhookEndpointInfo> => toEndpointInfo(await endpoints.get(request.params.id)),
  );

  app.patch(
    '/api/v1/admin/webhooks/:id',
    { ...admins, schema: { params: endpointParams, body: updateBody } },
    async (request): Promise<WebhookEndpointInfo> =>
      toEndpointInfo(await endpoints.update(request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/admin/webhooks/:id',
    { ...admins, schema: { params: endpointParams } },
    async (request, reply) => {
      await endpoints.remove(request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/admin/webhooks/:id/rotate-secret',
    { ...admins, schema: { params: endpointParams } },
    async (request): Promise<WebhookEndpointWithSecret> => {
      const { row, secret } = await endpoints.rotateSecret(request.params.id);
      return { ...toEndpointInfo(row), secret };
    },
  );

  app.get(
    '/api/v1/admin/webhooks/:id/deliveries',
    { ...admins, schema: { params: endpointParams, querystring: deliveriesQuery } },
    async (request): Promise<WebhookDeliveryPage> => {
      await endpoints.get(request.params.id);
      return deliveries.list(request.params.id, request.query);
    },
  );

  app.get(
    '/api/v1/admin/webhooks/:id/deliveries/:deliveryId',
    { ...admins, schema: { params: deliveryParams } },
    async (request): Promise<WebhookDeliveryDetail> =>
      deliveries.get(request.params.id, request.params.deliveryId),
  );

  app.post(
    '/api/v1/admin/webhooks/:id/deliveries/:deliveryId/resend',
    { ...admins, schema: { params: deliveryParams } },
    async (request, reply) => {
      const delivery: WebhookDeliveryInfo = await deliveries.resend(
        request.params.id,
        request.params.deliveryId,
      );
      return reply.code(202).send(delivery);
    },
  );
}
