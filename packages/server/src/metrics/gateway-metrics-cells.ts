import type { Registry } from 'prom-client';
import { UNITS_PER_CREDIT } from '../domains/credits/money.js';
import type { AttemptResult, GatewayMetrics, HoldEvent } from '../domains/models/gateway/gateway-metrics.js';
import type { UsageRow } from '../domains/models/usage/usage-writer.js';
import { CounterCells } from './counter-cells.js';
import { HistogramCells } from './histogram-cells.js';

/** Seconds: from a fast first token to a long answer. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

/** The outcome label of a metered request, from its usage row (a bounded set). */
export function outcomeOf(status: UsageRow['status'], code: string | null | undefined): string {
  if (status === 'ok' || status === 'cached' || status === 'replayed') return status;
  if (status === 'cancelled' || code === 'client_closed') return 'aborted';
  switch (code) {
    case 'insufficient_credits':
    case 'rate_limited':
    case 'spend_cap_reached':
    case 'upstream_error':
    case 'upstream_timeout':
    case 'upstream_unavailable':
      return code;
    case 'internal_error':
    case 'service_unavailable':
    case 'not_implemented':
    case undefined:
    case null:
      return 'error';
    default:
      return 'client_error';
  }
}

/**
 * The gateway's metrics (`hub_gateway_*`, `hub_credit_holds_total`) in `registry`, labelled by the
 * catalog's model and deployment ids and bounded sets of outcomes: never a user, key or request.
 */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const requests = new CounterCells(
    registry,
    'hub_gateway_requests_total',
    'Metered model requests ended, by model, provider, deployment (none before routing) and outcome',
    ['model', 'provider', 'deployment', 'outcome'],
  );
  const tokens = new CounterCells(
    registry,
    'hub_gateway_tokens_total',
    'Tokens charged, by type: input, output, and cached_input (of input, served from the upstream prompt cache)',
    ['model', 'provider', 'deployment', 'type'],
  );
  const credits = new CounterCells(
    registry,
    'hub_gateway_credits_charged_total',
    'Credits charged for metered requests',
    ['model', 'provider', 'deployment'],
  );
  const attempts = new CounterCells(
    registry,
    'hub_gateway_upstream_attempts_total',
    'Upstream attempts, by result: ok, timeout, rate_limited, server_error, client_error, connection_error, aborted, error',
    ['model', 'provider', 'deployment', 'result'],
  );
  const upstreamSeconds = new HistogramCells(
    registry,
    'hub_gateway_upstream_duration_seconds',
    'Successful upstream calls, from the attempt to the last byte of the answer',
    ['model', 'provider', 'deployment'],
    LATENCY_BUCKETS,
  );
  const firstTokenSeconds = new HistogramCells(
    registry,
    'hub_gateway_time_to_first_token_seconds',
    'Streams: from the hub taking the request to the first token going to the client',
    ['model', 'provider', 'deployment'],
    LATENCY_BUCKETS,
  );
  const retries = new CounterCells(
    registry,
    'hub_gateway_retries_total',
    'Upstream attempts that retried the same deployment',
    ['model', 'provider', 'deployment'],
  );
  const fallbacks = new CounterCells(
    registry,
    'hub_gateway_fallbacks_total',
    'Requests that moved on to this later deployment of the model',
    ['model', 'provider', 'deployment'],
  );
  const cache = new CounterCells(
    registry,
    'hub_gateway_cache_lookups_total',
    'Response-cache lookups on models with the cache on, by result: hit or miss',
    ['model', 'result'],
  );
  const rateLimited = new CounterCells(
    registry,
    'hub_gateway_rate_limit_refusals_total',
    'Requests refused by a per-minute limit (429), by scope (user, api_key) and unit (requests, tokens)',
    ['model', 'scope', 'unit'],
  );
  const holds = new CounterCells(
    registry,
    'hub_credit_holds_total',
    'Credit holds of metered requests, by event: placed, refused (402), settled, released, expired (the sweeper released it before the settle)',
    ['event'],
  );
  const ledgerSeconds = new HistogramCells(
    registry,
    'hub_ledger_operation_duration_seconds',
    'Credits calls of metered requests, as the gateway waits for them: placing a hold (hold), charging it (settle), giving it back (release)',
    ['operation'],
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  const operationOf: Record<HoldEvent, string> = {
    placed: 'hold',
    refused: 'hold',
    settled: 'settle',
    expired: 'settle',
    released: 'release',
  };
  const holdCells = {
    placed: holds.cell('placed'),
    refused: holds.cell('refused'),
    settled: holds.cell('settled'),
    released: holds.cell('released'),
    expired: holds.cell('expired'),
  } satisfies Record<HoldEvent, unknown>;

  return {
    requestEnded(row) {
      const provider = row.provider ?? 'none';
      const deployment = row.deployment ?? 'none';
      requests.add(1, row.model, provider, deployment, outcomeOf(row.status, row.error_code));
      if (row.input_tokens) tokens.add(row.input_tokens, row.model, provider, deployment, 'input');
      if (row.output_tokens) tokens.add(row.output_tokens, row.model, provider, deployment, 'output');
      if (row.cost) credits.add(row.cost / UNITS_PER_CREDIT, row.model, provider, deployment);
    },
    cachedTokens(model, provider, deployment, count) {
      tokens.add(count, model, provider, deployment, 'cached_input');
    },
    upstreamAttempt(model, { provider, id }, result: AttemptResult) {
      attempts.add(1, model, provider, id, result);
    },
    upstreamFinished(model, { provider, id }, seconds) {
      upstreamSeconds.observe(seconds, model, provider, id);
    },
    firstToken(model, { provider, id }, seconds) {
      firstTokenSeconds.observe(seconds, model, provider, id);
    },
    retried(model, { provider, id }) {
      retries.add(1, model, provider, id);
    },
    fellBack(model, { provider, id }) {
      fallbacks.add(1, model, provider, id);
    },
    cacheLookup(model, hit) {
      cache.add(1, model, hit ? 'hit' : 'miss');
    },
    rateLimited(model, scope, unit) {
      rateLimited.add(1, model, scope, unit);
    },
    hold(event, seconds) {
      holdCells[event].value += 1;
      ledgerSeconds.observe(seconds, operationOf[event]);
    },
  };
}
