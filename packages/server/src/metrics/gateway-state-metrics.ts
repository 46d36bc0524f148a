import { Counter, Gauge, type Registry } from 'prom-client';
import type { ModelsService } from '../domains/models/models-service.js';

const STATES = ['closed', 'open', 'half_open'] as const;

/**
 * The gateway's state, read at scrape time: each deployment's circuit breaker (1 for its current
 * state), and the usage log's writer (rows queued, written, dropped, waiting).
 */
export function registerGatewayStateMetrics(registry: Registry, models: ModelsService): void {
  new Gauge({
    name: 'hub_gateway_circuit_state',
    help: "A deployment's circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others",
    labelNames: ['model', 'deployment', 'state'],
    registers: [registry],
    collect() {
      for (const model of models.catalog.models) {
        for (const deployment of model.deployments) {
          const { state } = models.breaker(deployment.id).snapshot();
          for (const s of STATES)
            this.set({ model: model.id, deployment: deployment.id, state: s }, s === state ? 1 : 0);
        }
      }
    },
  });
  const { usage } = models;
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total('hub_usage_rows_queued_total', 'Usage rows queued for writing', () => usage.queued);
  total('hub_usage_rows_written_total', 'Usage rows written to the database', () => usage.written);
  new Counter({
    name: 'hub_usage_rows_dropped_total',
    help: 'Usage rows lost: refused by the database for what they hold, or overflowed while it was failing',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reason: 'refused' }, usage.dropped);
      this.inc({ reason: 'overflow' }, usage.overflowed);
    },
  });
  new Gauge({
    name: 'hub_usage_rows_pending',
    help: 'Usage rows queued and not written yet',
    registers: [registry],
    collect() {
      this.set(usage.pending);
    },
  });
}
