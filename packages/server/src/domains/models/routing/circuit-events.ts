import { hostname } from 'node:os';
import type { Coordination } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import { HUB_EVENT_STREAM } from '../../credits/credit-events.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';

/** A circuit breaker opened or closed again (one replica's view of a deployment). */
export type CircuitChange = 'open' | 'closed';

/**
 * Announces each change of a deployment's circuit on the durable event stream, as
 * `provider.circuit_opened` / `provider.circuit_closed` with `{ deploymentId, provider, models,
 * replica, at }` (webhooks deliver them). Best effort: a failed append is logged.
 */
export function circuitChangePublisher(
  coordination: Coordination,
  catalog: ModelCatalog,
  log: FastifyBaseLogger,
): (deploymentId: string, change: CircuitChange) => void {
  const replica = `${hostname()}-${process.pid}`;
  return (deploymentId, change) => {
    const deployment = catalog.deployments().find((d) => d.id === deploymentId);
    const type = change === 'open' ? 'provider.circuit_opened' : 'provider.circuit_closed';
    coordination.events
      .append(HUB_EVENT_STREAM, type, {
        deploymentId,
        provider: deployment?.provider ?? null,
        models: deployment?.models ?? [],
        replica,
        at: Date.now(),
      })
      .catch((error) => log.error({ err: error, type, deploymentId }, 'could not announce a circuit change'));
  };
}
