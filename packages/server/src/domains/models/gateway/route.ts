import type { CatalogDeployment, CatalogModel } from '../catalog/model-catalog.js';
import { routeCall } from '../routing/route-call.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { MeteredCall } from './metered-call.js';

/**
 * The third stage: calls `attempt` on the model's deployments with the hub's retry policy,
 * fallback and circuit breakers (see `routeCall`), logging each failed attempt. `attempt` must
 * resolve at the upstream's first byte at the latest, so nothing is retried after output.
 */
export function routeToUpstream<T>(
  deps: Pick<GatewayDeps, 'retryPolicy' | 'breaker' | 'log'>,
  call: MeteredCall,
  attempt: (deployment: CatalogDeployment) => Promise<T>,
  model: CatalogModel = call.model,
): Promise<{ result: T; deployment: CatalogDeployment }> {
  return routeCall(model, attempt, {
    policy: deps.retryPolicy,
    breaker: deps.breaker,
    signal: call.signal,
    onFailure: (d, error, willRetry) =>
      deps.log.warn(
        { requestId: call.requestId, deployment: d.id, err: error.message, willRetry },
        'upstream attempt failed',
      ),
  });
}
