import type { Cache, RateLimiter } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { gatewayTracingWith } from '../../../tracing/gateway-spans.js';
import type { CreditsPort } from '../../credits/credits-port.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { RateLimits } from '../metering/rate-limits.js';
import type { CircuitBreaker } from '../routing/circuit-breaker.js';
import type { RetryPolicy } from '../routing/retry-policy.js';
import type { UsageRow } from '../usage/usage-writer.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { type GatewayTracing, noGatewayTracing } from './gateway-tracing.js';

/** The API key side of spending caps (the auth domain's `api_keys`, reached through its service). */
export interface KeySpend {
  /** Adds `amount` to the key's spend if it stays within `cap`; false when it would not. */
  reserveSpend(keyId: string, amount: number, cap: number): Promise<boolean>;
  /** Moves the key's spend by `delta` (a reservation swapped for a charge, or given back). */
  adjustSpend(keyId: string, delta: number): Promise<void>;
}

/**
 * Everything the gateway's stages use, named: the catalog, the money (credits and key caps),
 * limits, the response cache, the router's policy and breakers, the usage log, and what they
 * report to (metrics, traces). Built once per hub ({@link gatewayDepsOf}); each stage takes only
 * the part it needs.
 */
export interface GatewayDeps {
  catalog: ModelCatalog;
  /** The credits port (503 while the credits domain is not installed). */
  credits(): CreditsPort;
  keySpend: KeySpend;
  rateLimiter: RateLimiter;
  rateLimits: RateLimits;
  cache: Cache;
  cacheTtlMs: number;
  retryPolicy: RetryPolicy;
  breaker(deploymentId: string): CircuitBreaker;
  /** The usage log; every row pushed is also a request ended for {@link GatewayDeps.metrics}. */
  usage: { push(row: UsageRow): void };
  metrics: GatewayMetrics;
  tracing: GatewayTracing;
  log: FastifyBaseLogger;
}

const built = new WeakMap<HubContext, GatewayDeps>();

/** The gateway's dependencies, taken from the hub's services once. */
export function gatewayDepsOf(hub: HubContext): GatewayDeps {
  let deps = built.get(hub);
  if (!deps) {
    const models = hub.services.models;
    const { gateway: metrics } = hub.metrics;
    const usage = models.usage;
    deps = {
      catalog: models.catalog,
      credits: () => {
        const credits = (hub.services as { credits?: CreditsPort }).credits;
        if (!credits) throw new HubError(503, 'service_unavailable', 'Credits are not available on this hub');
        return credits;
      },
      keySpend: hub.services.apiKeys,
      rateLimiter: hub.coordination.rateLimiter,
      rateLimits: models.rateLimits,
      cache: hub.coordination.cache,
      cacheTtlMs: models.cacheTtlMs,
      retryPolicy: models.retryPolicy,
      breaker: (id) => models.breaker(id),
      usage: {
        push(row) {
          usage.push(row);
          metrics.requestEnded(row);
        },
      },
      metrics,
      tracing: hub.tracer ? gatewayTracingWith(hub.tracer) : noGatewayTracing,
      log: hub.log,
    };
    built.set(hub, deps);
  }
  return deps;
}
