import { collectDefaultMetrics, Registry } from 'prom-client';
import { type GatewayMetrics, noGatewayMetrics } from '../domains/models/gateway/gateway-metrics.js';
import { createGatewayMetrics } from './gateway-metrics-cells.js';

/**
 * The hub's Prometheus registry (one per hub, so several hubs in one process never mix figures)
 * and what the gateway reports to. With `HUB_METRICS=off` nothing is recorded and `/metrics` is
 * not served.
 */
export interface HubMetrics {
  readonly registry: Registry;
  readonly enabled: boolean;
  /** The gateway's stages report here (a no-op when metrics are off). */
  readonly gateway: GatewayMetrics;
}

export function createHubMetrics(options: { enabled?: boolean; defaultMetrics?: boolean } = {}): HubMetrics {
  const registry = new Registry();
  const enabled = options.enabled ?? true;
  if (enabled && options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return { registry, enabled, gateway: enabled ? createGatewayMetrics(registry) : noGatewayMetrics };
}
