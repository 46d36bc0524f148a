import { randomUUID } from 'node:crypto';
import { createHub, type HostUser } from '@smart-ai-hub/server';
import Fastify from 'fastify';
import { shoutProvider } from './shout-provider.js';

/** The host product's own sessions (a real product has its own sign-in; this one is a toy). */
const sessions = new Map<string, HostUser>();

function sessionOf(cookie: string | undefined): HostUser | null {
  const id = /(?:^|;\s*)session=([^;]+)/.exec(cookie ?? '')?.[1];
  return id ? (sessions.get(id) ?? null) : null;
}

/**
 * A host Fastify app with its own routes and sign-in, and the hub mounted under `/ai`:
 * - the host's session cookie signs users into the hub too (the `authenticate` hook), so they
 *   never sign in twice; the hub creates each user on first sight;
 * - a custom provider (`shout`) serves the `shouty` model, metered like any other;
 * - new users get welcome credits from the host's backend, once (idempotency key).
 */
export async function buildApp(env: Record<string, string | undefined> = process.env) {
  const app = Fastify({ logger: env.LOG_LEVEL !== 'silent' });

  await app.register(
    createHub({
      env,
      authenticate: (request) => sessionOf(request.headers.cookie),
      providers: { shout: shoutProvider },
      models: {
        models: [
          {
            id: 'shouty',
            inputPrice: 10,
            outputPrice: 100,
            deployments: [{ id: 'shout-1', provider: 'shout' }],
          },
        ],
      },
    }),
    { prefix: '/ai' },
  );

  // The host's own routes, untouched by the hub.
  app.post<{ Body: { email: string } }>('/signup', async (request, reply) => {
    const user: HostUser = { id: randomUUID(), email: request.body.email };
    const session = randomUUID();
    sessions.set(session, user);
    const hubUser = await app.hub.services.identities.signIn({
      provider: 'host',
      subject: user.id,
      email: user.email,
      emailVerified: true,
    });
    await app.hub.services.credits.grant({
      userId: hubUser.id,
      amount: 5_000_000, // 5 credits, in units (micro-credits)
      idempotencyKey: `welcome:${user.id}`,
      description: 'Welcome credits',
    });
    reply.header('set-cookie', `session=${session}; HttpOnly; Path=/; SameSite=Lax`);
    return { email: user.email };
  });
  app.get('/whoami', async (request) => ({ user: sessionOf(request.headers.cookie) }));

  return app;
}
