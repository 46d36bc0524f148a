import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import { badRequest } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { usageReport } from './usage-report.js';

const DAY = 86_400_000;
const time = z.union([z.coerce.number().int().min(0), z.iso.date(), z.iso.datetime()]).optional();
const usageQuery = z.object({
  from: time,
  to: time,
  /** Only what this key spent. */
  apiKeyId: z.string().min(1).max(100).optional(),
  /** Only what was made for this end user (the OpenAI `user` field or `x-hub-end-user`). */
  endUser: z.string().min(1).max(256).optional(),
});
const adminUsageQuery = usageQuery.extend({ userId: z.string().min(1).optional() });

function toMs(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'number' ? value : Date.parse(value);
}

function range(query: { from?: number | string; to?: number | string }) {
  const to = toMs(query.to, Date.now() + 1);
  const from = toMs(query.from, to - 30 * DAY);
  if (from >= to) throw badRequest('from must be before to');
  return { from, to };
}

/**
 * `GET /api/v1/usage` (the caller's) and `GET /api/v1/admin/usage` (anyone's, or everyone's),
 * optionally of one key or one end user.
 */
export async function usageRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/api/v1/usage',
    {
      schema: { querystring: usageQuery },
      onRequest: requireAuth(hub),
      config: { apiKeyScope: 'usage:read' },
    },
    async (request) => {
      await hub.services.models.usage.flush();
      const query = request.query as z.infer<typeof usageQuery>;
      return usageReport(hub.db, {
        userId: request.principal!.userId,
        apiKeyId: query.apiKeyId,
        endUser: query.endUser,
        ...range(query),
      });
    },
  );
  app.get(
    '/api/v1/admin/usage',
    {
      schema: { querystring: adminUsageQuery },
      onRequest: requireAuth(hub, 'read:users', 'read:credits'),
      config: { apiKeyScope: 'admin' },
    },
    async (request) => {
      const query = request.query as z.infer<typeof adminUsageQuery>;
      await hub.services.models.usage.flush();
      return usageReport(hub.db, {
        userId: query.userId,
        apiKeyId: query.apiKeyId,
        endUser: query.endUser,
        ...range(query),
      });
    },
  );
}
