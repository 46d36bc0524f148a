import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { HubError, notFound } from '../../http/hub-error.js';
import type { HubContext } from '../../hub/hub-context.js';
import { sessionMeta } from './auth-routes.js';
import { createOAuthProvider, type OAuthPending, type OAuthProvider } from './oauth-client.js';

const STATE_TTL_MS = 10 * 60_000;
const stateKey = (state: string) => `auth:oauth:state:${state}`;
const providerParams = z.object({ provider: z.string().min(1).max(40) });
const callbackQuery = z
  .object({
    state: z.string().min(1).max(200).optional(),
    code: z.string().min(1).max(2000).optional(),
    error: z.string().max(200).optional(),
  })
  .passthrough();

const badState = () =>
  new HubError(
    400,
    'validation_error',
    'The OAuth state is missing, unknown, expired or already used: start the sign-in again',
  );

/**
 * `GET /api/v1/auth/oauth/:provider` redirects to the provider (state + PKCE S256 + nonce, kept
 * single-use in the coordination cache so any replica can finish); `.../callback` finishes the
 * sign-in and answers the session tokens (JSON, or a redirect to `HUB_OAUTH_REDIRECT_URL` with
 * the tokens in the URL fragment).
 */
export async function oauthRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { cache } = hub.coordination;
  const callbackBase = `${hub.config.publicUrl}/api/v1/auth/oauth`;
  const providers = new Map<string, OAuthProvider>(
    (hub.config.file.oauthProviders ?? []).map((config) => [
      config.id,
      createOAuthProvider(config, `${callbackBase}/${config.id}/callback`),
    ]),
  );
  const provider = (id: string) => {
    const found = providers.get(id);
    if (!found) throw notFound(`OAuth provider '${id}'`);
    return found;
  };

  // The sign-in buttons a client shows: each configured provider's id and kind, no secrets.
  app.get('/api/v1/auth/oauth', async () => ({
    data: (hub.config.file.oauthProviders ?? []).map(({ id, type }) => ({ id, type })),
  }));

  app.get('/api/v1/auth/oauth/:provider', { schema: { params: providerParams } }, async (request, reply) => {
    const p = provider(request.params.provider);
    const state = oidc.randomState();
    const { url, pending } = await p.start(state);
    await cache.set(stateKey(state), JSON.stringify(pending), STATE_TTL_MS);
    return reply.redirect(url.href, 302);
  });

  app.get(
    '/api/v1/auth/oauth/:provider/callback',
    { schema: { params: providerParams, querystring: callbackQuery } },
    async (request, reply) => {
      const p = provider(request.params.provider);
      const { state, error } = request.query;
      if (!state) throw badState();
      const stored = await cache.get(stateKey(state));
      // Single use even when two callbacks with one state race: only the first claims it.
      if (!stored || !(await cache.setIfAbsent(`${stateKey(state)}:used`, '1', STATE_TTL_MS)))
        throw badState();
      await cache.delete(stateKey(state));
      const pending = JSON.parse(stored) as Partial<OAuthPending>;
      if (pending.provider !== p.id) throw badState();
      if (!pending.codeVerifier) {
        throw new HubError(
          400,
          'validation_error',
          'The sign-in lost its PKCE verifier: start the sign-in again',
        );
      }
      if (error) throw new HubError(401, 'unauthorized', `The provider refused the sign-in: ${error}`);
      const query = request.url.slice(request.url.indexOf('?'));
      const callbackUrl = new URL(`${callbackBase}/${p.id}/callback${query}`);
      let profile: Awaited<ReturnType<OAuthProvider['finish']>>;
      try {
        profile = await p.finish(callbackUrl, state, pending as OAuthPending);
      } catch (cause) {
        request.log.warn({ provider: p.id, reason: (cause as Error).message }, 'OAuth code exchange failed');
        throw new HubError(401, 'unauthorized', 'The provider did not confirm the sign-in: start it again');
      }
      const user = await hub.services.identities.signIn(profile);
      if (user.disabled_at !== null) throw new HubError(403, 'forbidden', 'This account is disabled');
      const tokens = await hub.services.auth.issueTokens(user, {
        ...sessionMeta(request),
        method: `oauth:${p.id}`,
      });
      const landing = hub.config.env.HUB_OAUTH_REDIRECT_URL;
      if (!landing) return tokens;
      const fragment = new URLSearchParams({
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresIn: String(tokens.expiresIn),
      });
      return reply.header('cache-control', 'no-store').redirect(`${landing}#${fragment}`, 302);
    },
  );
}
