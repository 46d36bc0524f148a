import type { SessionInfo } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth } from '../../http/guards.js';
import type { HubContext } from '../../hub/hub-context.js';
import { toHubUser } from '../accounts/users-service.js';
import { changePasswordBody, idParams, updateMeBody } from './auth-schemas.js';
import type { SessionRow } from './sessions.js';

const iso = (ms: number) => new Date(ms).toISOString();

function toSessionInfo(row: SessionRow, currentId: string | undefined): SessionInfo {
  return {
    id: row.id,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: iso(row.created_at),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    current: row.id === currentId,
  };
}

/** `/api/v1/me`: the caller's profile, password, email verification and sessions. */
export async function meRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { users, auth, sessions } = hub.services;
  // Authentication runs before body validation, so an anonymous caller learns nothing about shapes.
  const signedIn = { onRequest: requireAuth(hub) };

  app.get('/api/v1/me', { ...signedIn, config: { apiKeyScope: 'profile:read' } }, async (request) =>
    toHubUser(await users.get(request.principal!.userId)),
  );

  app.patch('/api/v1/me', { ...signedIn, schema: { body: updateMeBody } }, async (request) =>
    toHubUser(await users.update(request.principal!.userId, request.body)),
  );

  app.post(
    '/api/v1/me/password',
    { ...signedIn, schema: { body: changePasswordBody } },
    async (request, reply) => {
      await auth.changePassword(
        request.principal!.userId,
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.code(204).send();
    },
  );

  app.post('/api/v1/me/verify-email', signedIn, async (request, reply) => {
    await auth.sendVerification(await users.get(request.principal!.userId));
    return reply.code(202).send({ status: 'accepted' });
  });

  app.get('/api/v1/me/sessions', signedIn, async (request) => {
    const rows = await sessions.listActive(request.principal!.userId);
    return { sessions: rows.map((row) => toSessionInfo(row, request.principal!.sessionId)) };
  });

  app.delete(
    '/api/v1/me/sessions/:id',
    { ...signedIn, schema: { params: idParams } },
    async (request, reply) => {
      await sessions.revokeOwn(request.principal!.userId, request.params.id);
      return reply.code(204).send();
    },
  );
}
