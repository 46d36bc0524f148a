import type { DeploymentList } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../http/guards.js';
import type { HubContext } from '../../hub/hub-context.js';

/** `GET /api/v1/admin/providers`: every deployment with its circuit state; never a key or base URL. */
export async function adminProvidersRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/api/v1/admin/providers',
    { onRequest: requireAuth(hub, 'write:users'), config: { apiKeyScope: 'admin' } },
    async (): Promise<DeploymentList> => {
      const service = hub.services.models;
      return {
        data: service.catalog.deployments().map((d) => {
          const circuit = service.breaker(d.id).snapshot();
          return {
            id: d.id,
            provider: d.provider,
            upstreamModel: d.upstreamModel,
            models: d.models,
            circuit: circuit.state,
            consecutiveFailures: circuit.consecutiveFailures,
            retryAt: circuit.retryAt,
            hasKey: d.hasKey,
          };
        }),
      };
    },
  );
}
