import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../http/guards.js';
import { conflict } from '../../http/hub-error.js';
import type { HubContext } from '../../hub/hub-context.js';
import { emailSchema, idParams, passwordSchema } from '../auth/auth-schemas.js';
import { MAX_MINTED_TOKEN_SECONDS } from '../auth/auth-service.js';
import { assertAcceptablePassword } from '../auth/password-policy.js';
import { ROLES } from '../auth/principal.js';
import { toHubUser } from './users-service.js';

const listQuery = z.object({
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Part of an email or name. */
  q: z.string().trim().max(200).optional(),
});
const createBody = z
  .object({
    email: emailSchema,
    password: passwordSchema.optional(),
    name: z.string().max(200).optional(),
    role: z.enum(ROLES).optional(),
    emailVerified: z.boolean().optional(),
  })
  .strict();
const updateBody = z
  .object({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    name: z.string().max(200).nullable().optional(),
  })
  .strict();
const mintBody = z
  .object({ expiresIn: z.number().int().min(1).max(MAX_MINTED_TOKEN_SECONDS).optional() })
  .strict();

/**
 * `/api/v1/admin/users`: list and read (`read:users`), create, change role, disable, and mint
 * short-lived tokens for a user (`write:users`), so a host backend with an admin key can act for its users.
 */
export async function adminUserRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { users, auth } = hub.services;
  const readers = { onRequest: requireAuth(hub, 'read:users'), config: { apiKeyScope: 'admin' as const } };
  const writers = { onRequest: requireAuth(hub, 'write:users'), config: { apiKeyScope: 'admin' as const } };

  app.get('/api/v1/admin/users', { ...readers, schema: { querystring: listQuery } }, async (request) => {
    const page = await users.list(request.query);
    return { users: page.users.map(toHubUser), nextCursor: page.nextCursor };
  });

  app.post('/api/v1/admin/users', { ...writers, schema: { body: createBody } }, async (request, reply) => {
    if (request.body.password !== undefined)
      assertAcceptablePassword(request.body.password, request.body.email);
    const user = await users.create(request.body);
    return reply.code(201).send(toHubUser(user));
  });

  app.get('/api/v1/admin/users/:id', { ...readers, schema: { params: idParams } }, async (request) =>
    toHubUser(await users.get(request.params.id)),
  );

  app.patch(
    '/api/v1/admin/users/:id',
    { ...writers, schema: { params: idParams, body: updateBody } },
    async (request) => {
      const self = request.params.id === request.principal!.userId;
      if (self && (request.body.disabled === true || (request.body.role && request.body.role !== 'admin'))) {
        throw conflict('An admin cannot disable or demote themselves; ask another admin');
      }
      return toHubUser(await auth.updateUser(request.params.id, request.body));
    },
  );

  app.post(
    '/api/v1/admin/users/:id/tokens',
    { ...writers, schema: { params: idParams, body: mintBody.nullish() } },
    async (request, reply) =>
      reply.code(201).send(await auth.mintAccessToken(request.params.id, request.body?.expiresIn)),
  );
}
