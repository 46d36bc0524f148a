import type { CatalogDeployment, CatalogModel } from '../catalog/model-catalog.js';
import { routeCall } from '../routing/route-call.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { MeteredCall } from './metered-call.js';
import { UpstreamWatch } from './upstream-watch.js';

/** What the route stage hands on: the answer, the deployment that gave it, and its watch. */
export interface Routed<T> {
  result: T;
  deployment: CatalogDeployment;
  /** The answering attempt's watch: tell it of the first token and of the answer's end. */
  upstream: UpstreamWatch;
}

/**
 * The third stage: calls `attempt` on the model's deployments with the hub's retry policy,
 * fallback and circuit breakers (see `routeCall`), logging each failed attempt and reporting
 * each attempt, retry and fallback to metrics and traces. `attempt` must resolve at the
 * upstream's first byte at the latest, so nothing is retried after output.
 */
export async function routeToUpstream<T>(
  deps: Pick<GatewayDeps, 'retryPolicy' | 'breaker' | 'log' | 'metrics' | 'tracing'>,
  call: MeteredCall,
  attempt: (deployment: CatalogDeployment) => Promise<T>,
  model: CatalogModel = call.model,
  operation: 'chat' | 'embeddings' = 'chat',
): Promise<Routed<T>> {
  let watch!: UpstreamWatch;
  const routed = await routeCall(
    model,
    async (deployment) => {
      watch = new UpstreamWatch(deps, call, deployment, operation);
      try {
        const result = await attempt(deployment);
        watch.answered();
        return result;
      } catch (error) {
        watch.failed(error);
        throw error;
      }
    },
    {
      policy: deps.retryPolicy,
      breaker: deps.breaker,
      signal: call.signal,
      onFailure: (d, error, willRetry) =>
        deps.log.warn(
          { requestId: call.requestId, deployment: d.id, err: error.message, willRetry },
          'upstream attempt failed',
        ),
      onRetry: (d) => deps.metrics.retried(model.id, d),
      onFallback: (d) => deps.metrics.fellBack(model.id, d),
    },
  );
  return { ...routed, upstream: watch };
}
