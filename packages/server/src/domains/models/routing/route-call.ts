import { setTimeout as sleep } from 'node:timers/promises';
import { HubError } from '../../../http/hub-error.js';
import type { CatalogDeployment, CatalogModel } from '../catalog/model-catalog.js';
import { isClientFault, isRetryable, UpstreamError } from '../providers/upstream-error.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { type RetryPolicy, retryDelay } from './retry-policy.js';

/** What the router needs besides the model: the policy, the breakers, the caller's signal. */
export interface RouteOptions {
  policy: RetryPolicy;
  breaker(deploymentId: string): CircuitBreaker;
  signal: AbortSignal;
  /** Told of each failed attempt (for logs). */
  onFailure?(deployment: CatalogDeployment, error: UpstreamError, willRetry: boolean): void;
  /** Told before a deployment is tried again. */
  onRetry?(deployment: CatalogDeployment): void;
  /** Told before a later deployment is tried, the earlier ones having failed or been skipped. */
  onFallback?(deployment: CatalogDeployment): void;
}

/**
 * Calls `attempt` on the model's deployments in order until one succeeds: retries a retryable
 * failure (honouring `Retry-After`, else jittered exponential backoff), then falls back to the
 * next deployment; skips deployments whose circuit is open. `attempt` must resolve at the
 * upstream's first byte at the latest, so nothing is ever retried after the client saw output.
 * Throws a {@link HubError}: 400 when the upstream rejects the request itself, 503/504/502 when
 * every deployment failed.
 */
export async function routeCall<T>(
  model: CatalogModel,
  attempt: (deployment: CatalogDeployment) => Promise<T>,
  options: RouteOptions,
): Promise<{ result: T; deployment: CatalogDeployment }> {
  let last: UpstreamError | undefined;
  let skipped = 0;
  let moved = false;
  for (const deployment of model.deployments) {
    const breaker = options.breaker(deployment.id);
    if (!breaker.tryPass()) {
      skipped++;
      moved = true;
      continue;
    }
    if (moved) options.onFallback?.(deployment);
    moved = true;
    for (let retry = 0; ; retry++) {
      if (retry > 0) options.onRetry?.(deployment);
      try {
        const result = await attempt(deployment);
        breaker.success();
        return { result, deployment };
      } catch (error) {
        if (options.signal.aborted || !(error instanceof UpstreamError)) throw error;
        last = error;
        if (isClientFault(error)) {
          breaker.success();
          throw new HubError(400, 'validation_error', `The model rejected the request: ${error.message}`);
        }
        breaker.failure();
        const delay =
          isRetryable(error) && retry < options.policy.maxRetries
            ? retryDelay(options.policy, retry, error.retryAfterMs)
            : undefined;
        options.onFailure?.(deployment, error, delay !== undefined);
        if (delay === undefined || !breaker.tryPass()) break;
        await sleep(delay, undefined, { signal: options.signal });
      }
    }
  }
  if (!last && skipped > 0) {
    throw new HubError(
      503,
      'upstream_unavailable',
      `Every deployment of ${model.id} is failing; try again shortly`,
      undefined,
      30,
    );
  }
  throw upstreamFailure(model, last);
}

function upstreamFailure(model: CatalogModel, error: UpstreamError | undefined): HubError {
  if (error?.timeout) return new HubError(504, 'upstream_timeout', `The upstream of ${model.id} timed out`);
  if (error?.status === 429) {
    const retryAfter = error.retryAfterMs !== undefined ? Math.ceil(error.retryAfterMs / 1000) : 1;
    return new HubError(
      503,
      'upstream_unavailable',
      `The upstream of ${model.id} is rate limited; try again later`,
      undefined,
      retryAfter,
    );
  }
  const status = error?.status !== undefined ? ` (${error.status})` : '';
  return new HubError(502, 'upstream_error', `The upstream of ${model.id} failed${status}`);
}
