import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installErrorEnvelope } from '../http/error-handler.js';
import { healthRoutes } from '../http/health-routes.js';
import { installInputGuards } from '../http/input-guards.js';
import { installRequestContext } from '../http/request-context.js';
import { buildHubContext } from './build-context.js';
import { domains } from './domains.js';
import type { HubContext } from './hub-context.js';
import type { HubOptions } from './hub-options.js';
import { consolePlugin } from './plugins/console.js';
import { hubCors } from './plugins/cors.js';
import { hubMetrics } from './plugins/metrics.js';
import { hubTracing } from './plugins/tracing.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The hub's context and services, for the host app (`app.hub.services.credits`, ...). */
    hub: HubContext;
  }
}

/**
 * Builds the hub as a Fastify plugin: `await app.register(createHub(options))`.
 *
 * The host app gets `app.hub` (services, for its own routes); the hub's routes, hooks, error
 * envelope and validators live in an encapsulated child context, so they never touch the host's
 * routes. The hub closes what it opened when the host app closes.
 */
export function createHub(options: HubOptions = {}): FastifyPluginAsync {
  return fp(
    async function smartAiHub(app: FastifyInstance, pluginOptions: { prefix?: string }) {
      const hub = await buildHubContext(options, app.log);
      app.addHook('onClose', () => hub.close());
      try {
        for (const domain of domains) await domain.setup?.(hub, options);
      } catch (error) {
        await hub.close();
        throw error;
      }
      app.decorate('hub', hub);

      await app.register(
        async function hubRoutes(scoped) {
          scoped.setValidatorCompiler(validatorCompiler);
          scoped.setSerializerCompiler(serializerCompiler);
          scoped.decorateRequest('principal', null);
          scoped.addHook('onRequest', async (request, reply) => {
            reply.header('x-request-id', request.id);
          });
          installErrorEnvelope(scoped);
          installInputGuards(scoped);
          installRequestContext(scoped);
          await scoped.register(hubCors, { origins: hub.config.env.CORS_ORIGINS });
          await scoped.register(hubTracing, { hub });
          await scoped.register(hubMetrics, { hub });
          await scoped.register(swagger, {
            openapi: {
              info: { title: 'Smart AI Hub', version: '1' },
              components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
            },
            transform: jsonSchemaTransform,
          });
          scoped.get('/docs', { schema: { hide: true } }, async () => scoped.swagger());
          await healthRoutes(scoped, hub);
          for (const domain of domains) {
            if (domain.routes) await scoped.register(async (child) => domain.routes!(child, hub));
          }
          if (options.console) {
            const dir = typeof options.console === 'object' ? options.console.dir : undefined;
            await scoped.register(consolePlugin, { dir, mountPath: pluginOptions.prefix });
          }
          // fastify-plugin drops the `prefix` register option; the scoped child applies it instead.
        },
        { prefix: pluginOptions.prefix },
      );

      app.addHook('onReady', async () => {
        for (const domain of domains) await domain.start?.(hub);
      });
    },
    { name: '@smart-ai-hub/server', fastify: '5.x' },
  );
}
