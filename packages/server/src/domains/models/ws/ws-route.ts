import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HubContext } from '../../../hub/hub-context.js';
import { WsSession } from './ws-session.js';

/**
 * `GET /api/v1/ws`: the hub's WebSocket (protocol in the SDK's `wire/ws.ts`). Credentials come
 * as `Authorization`, `?token=` or a first `auth` message, since browsers cannot set headers.
 */
export async function wsRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  await app.register(websocket, { options: { maxPayload: hub.config.env.BODY_LIMIT } });
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/ws',
    {
      websocket: true,
      schema: { querystring: z.object({ token: z.string().min(1).optional() }) },
      config: { apiKeyScope: 'models:call' },
    },
    (socket, request) => {
      new WsSession(hub, socket, request, (request.query as { token?: string }).token);
    },
  );
}
