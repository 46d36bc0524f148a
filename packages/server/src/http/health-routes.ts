import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../hub/hub-context.js';

/** `/healthz`: the process answers. `/readyz`: the database and coordination store answer too. */
export async function healthRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const [database, coordination] = await Promise.all([hub.database.ping(), hub.coordination.ping()]);
    const ready = database && coordination;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      checks: { database: database ? 'ok' : 'down', coordination: coordination ? 'ok' : 'down' },
    });
  });
}
