import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HUB_EVENT_STREAM } from '../../domains/credits/credit-events.js';
import { unauthorized } from '../../http/hub-error.js';
import { CounterCells } from '../../metrics/counter-cells.js';
import { registerEventStreamMetrics } from '../../metrics/event-stream-metrics.js';
import { registerGatewayStateMetrics } from '../../metrics/gateway-state-metrics.js';
import { HistogramCells } from '../../metrics/histogram-cells.js';
import { registerLedgerMetrics } from '../../metrics/ledger-metrics.js';
import type { HubContext } from '../hub-context.js';

/**
 * Prometheus metrics for the hub: every request counted and timed by method, route pattern and
 * status (`hub_http_*`), the gateway's, ledger's and event streams' figures, and `GET /metrics`.
 * With `METRICS_TOKEN` set, `/metrics` answers only `Authorization: Bearer <token>` (401
 * otherwise). Nothing at all with `HUB_METRICS=off`.
 */
export const hubMetrics = fp<{ hub: HubContext }>(
  async function hubMetrics(app: FastifyInstance, { hub }) {
    const { registry, enabled } = hub.metrics;
    if (!enabled) return;
    registerGatewayStateMetrics(registry, hub.services.models);
    registerLedgerMetrics(registry, hub.database);
    registerEventStreamMetrics(registry, hub.coordination.events, [HUB_EVENT_STREAM]);

    const requests = new CounterCells(
      registry,
      'hub_http_requests_total',
      'HTTP requests answered, by method, route and status',
      ['method', 'route', 'status'],
    );
    const duration = new HistogramCells(
      registry,
      'hub_http_request_duration_seconds',
      'Time to answer an HTTP request (to the last byte for streams)',
      ['method', 'route'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requests.add(1, request.method, route, String(reply.statusCode));
      duration.observe(reply.elapsedTime / 1000, request.method, route);
      done();
    });

    const token = hub.config.env.METRICS_TOKEN;
    const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
        throw unauthorized('/metrics needs Authorization: Bearer <METRICS_TOKEN>');
      }
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'smart-ai-hub-metrics', fastify: '5.x' },
);

/** Equal-length digests, so the comparison takes the same time whatever was sent. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
