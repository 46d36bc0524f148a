import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { HubContext } from '../../hub/hub-context.js';
import {
  forgotPasswordBody,
  loginBody,
  refreshBody,
  registerBody,
  resetPasswordBody,
  verifyEmailBody,
} from './auth-schemas.js';

export const sessionMeta = (request: FastifyRequest) => ({
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  ip: request.ip,
});

/** `/api/v1/auth/*`: register, login, refresh (rotates), logout, email verification, password reset. */
export async function authRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { auth } = hub.services;

  app.post('/api/v1/auth/register', { schema: { body: registerBody } }, async (request, reply) =>
    reply.code(201).send(await auth.register(request.body, sessionMeta(request))),
  );

  app.post('/api/v1/auth/login', { schema: { body: loginBody } }, async (request) =>
    auth.login(request.body.email, request.body.password, sessionMeta(request)),
  );

  app.post('/api/v1/auth/refresh', { schema: { body: refreshBody } }, async (request) =>
    auth.refresh(request.body.refreshToken, sessionMeta(request)),
  );

  app.post('/api/v1/auth/logout', { schema: { body: refreshBody } }, async (request, reply) => {
    await auth.logout(request.body.refreshToken);
    return reply.code(204).send();
  });

  app.post('/api/v1/auth/verify-email', { schema: { body: verifyEmailBody } }, async (request, reply) => {
    await auth.verifyEmail(request.body.token);
    return reply.code(204).send();
  });

  app.post(
    '/api/v1/auth/forgot-password',
    { schema: { body: forgotPasswordBody } },
    async (request, reply) => {
      // The email goes out in the background: the answer (and its timing) must not tell whether the account exists.
      await auth.requestPasswordReset(request.body.email, request.ip);
      return reply.code(202).send({ status: 'accepted' });
    },
  );

  app.post('/api/v1/auth/reset-password', { schema: { body: resetPasswordBody } }, async (request, reply) => {
    await auth.resetPassword(request.body.token, request.body.password, request.ip);
    return reply.code(204).send();
  });
}
