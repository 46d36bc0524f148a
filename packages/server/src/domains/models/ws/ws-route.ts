import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '../../../http/hub-error.js';
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
      // A plain GET would get the plugin's 404 without a body: the envelope says what to do instead.
      preValidation: async (request) => {
        if (!request.ws)
          throw new HubError(404, 'not_found', 'GET /api/v1/ws takes a WebSocket upgrade only');
      },
    },
    (socket, request) => {
      new WsSession(hub, socket, request, (request.query as { token?: string }).token);
    },
  );
}
