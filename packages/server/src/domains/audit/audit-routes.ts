import type { AuditEventPage } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../http/guards.js';
import { badRequest } from '../../http/hub-error.js';
import type { HubContext } from '../../hub/hub-context.js';

const cursor = z
  .string()
  .regex(/^\d{1,15}$/, 'cursor must be the nextCursor of a previous page')
  .optional();
const limit = z.coerce.number().int().min(1).max(200).default(50);
const time = z.iso.datetime({ offset: true }).optional();

const adminQuery = z
  .object({
    actor: z.string().min(1).max(100).optional(),
    action: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/,
        'action must be a name (user.disabled) or an area (auth.*)',
      )
      .max(100)
      .optional(),
    target: z.string().min(1).max(200).optional(),
    from: time,
    to: time,
    cursor,
    limit,
  })
  .strict();
const pageQuery = z.object({ cursor, limit }).strict();

/**
 * `GET /api/v1/admin/audit` (admins: every record, filtered) and `GET /api/v1/me/security-events`
 * (a signed-in session: its own account's security events). Read only: no route deletes a record.
 */
export async function auditRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { audit } = hub.services;

  app.get(
    '/api/v1/admin/audit',
    {
      onRequest: requireAuth(hub, 'write:users'),
      config: { apiKeyScope: 'admin' },
      schema: { querystring: adminQuery },
    },
    async (request): Promise<AuditEventPage> => {
      const { from, to, cursor: after, ...filter } = request.query;
      const fromMs = from === undefined ? undefined : Date.parse(from);
      const toMs = to === undefined ? undefined : Date.parse(to);
      if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
        throw badRequest('from must be before to');
      return audit.list({
        ...filter,
        from: fromMs,
        to: toMs,
        cursor: after === undefined ? undefined : Number(after),
      });
    },
  );

  app.get(
    '/api/v1/me/security-events',
    { onRequest: requireAuth(hub), schema: { querystring: pageQuery } },
    async (request): Promise<AuditEventPage> =>
      audit.securityEvents(request.principal!.userId, {
        cursor: request.query.cursor === undefined ? undefined : Number(request.query.cursor),
        limit: request.query.limit,
      }),
  );
}
