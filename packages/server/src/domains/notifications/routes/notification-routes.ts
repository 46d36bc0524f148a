import type { NotificationInfo, NotificationPage, NotificationPreferences } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import { notFound } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { preferencesUpdateSchema } from '../notification-preferences.js';

const listQuery = z
  .object({
    cursor: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    unread: z.stringbool().optional(),
  })
  .strict();

const idParams = z.object({ id: z.string().min(1).max(64) });

/** `GET /api/v1/notifications`, `POST /:id/read`, `GET`/`PUT /preferences`: the caller's own only. */
export async function notificationRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { notifications } = hub.services;
  const signedIn = { onRequest: requireAuth(hub) };

  app.get(
    '/api/v1/notifications',
    { ...signedIn, schema: { querystring: listQuery } },
    async (request): Promise<NotificationPage> =>
      notifications.list(request.principal!.userId, request.query),
  );

  app.post(
    '/api/v1/notifications/:id/read',
    { ...signedIn, schema: { params: idParams } },
    async (request): Promise<NotificationInfo> => {
      // Someone else's notification is "not found", never "forbidden": no hint that it exists.
      const notification = await notifications.markRead(request.principal!.userId, request.params.id);
      if (!notification) throw notFound('Notification');
      return notification;
    },
  );

  app.get(
    '/api/v1/notifications/preferences',
    signedIn,
    async (request): Promise<NotificationPreferences> => notifications.preferences(request.principal!.userId),
  );

  app.put(
    '/api/v1/notifications/preferences',
    { ...signedIn, schema: { body: preferencesUpdateSchema } },
    async (request): Promise<NotificationPreferences> =>
      notifications.updatePreferences(request.principal!.userId, request.body),
  );
}
