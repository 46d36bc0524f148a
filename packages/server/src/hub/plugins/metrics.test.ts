import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetrics, promtoolCheck, type Sample, sumOf } from '../../../test/support/prometheus-text.js';
import { createTestHub } from '../../../test/support/test-hub.js';
import { UNITS_PER_CREDIT } from '../../domains/credits/money.js';
import { gatewayDepsOf } from '../../domains/models/gateway/gateway-deps.js';
import { noGatewayMetrics } from '../../domains/models/gateway/gateway-metrics.js';
import { createGatewayKit, GATEWAY_SETUPS, type GatewayKit } from '../../domains/models/models-test-kit.js';
import { outcomeOf } from '../../metrics/gateway-metrics-cells.js';

const ask = (content: string, model = 'test-gpt', extra: object = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** A complete answer whose usage says 8 of its 12 prompt tokens came from the upstream's prompt cache. */
const answerWithCachedPrompt = {
  id: 'chatcmpl-cached-prompt',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 12,
    completion_tokens: 3,
    total_tokens: 15,
    prompt_tokens_details: { cached_tokens: 8 },
  },
};

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`/metrics after gateway traffic on ${dialect} + ${coordination}`, () => {
    let kit: GatewayKit;
    let text: string;
    let samples: Sample[];
    /** Everything that identifies a user or a request: none may appear in a label. */
    const identities: string[] = [];

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        settings: {
          rateLimits: { apiKey: { requestsPerMinute: 3 } },
          circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 },
        },
      });
      const chat = async (headers: Record<string, string>, payload: object) => {
        const res = await kit.t.app.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload });
        identities.push(String(res.headers['x-request-id']));
        return res.statusCode;
      };
      const user = async (options?: Parameters<GatewayKit['user']>[0]) => {
        const made = await kit.user(options);
        identities.push(made.userId, made.apiKeyId, made.apiKey);
        return made;
      };

      const a = await user();
      kit.fake.script({ body: answerWithCachedPrompt });
      expect(await chat(a.headers, ask('non-streamed'))).toBe(200);
      expect(await chat(a.headers, ask('streamed', 'test-gpt', { stream: true }))).toBe(200);

      const broke = await user({ units: 0 });
      expect(await chat(broke.headers, ask('no credits'))).toBe(402);

      const busy = await user();
      // The same question three times on a cached model: one answer from upstream, two from the cache.
      for (let i = 0; i < 3; i++) expect(await chat(busy.headers, ask('busy', 'test-cached'))).toBe(200);
      expect(await chat(busy.headers, ask('one too many'))).toBe(429);

      // The first deployment fails three times (two retries), the request falls back to the second.
      const c = await user();
      kit.fake.script({ status: 500 }, { status: 500 }, { status: 500 });
      expect(await chat(c.headers, ask('fall back', 'test-fallback'))).toBe(200);
      // test-gpt's only deployment fails three times: a 502, and its circuit opens.
      kit.fake.script({ status: 500 }, { status: 500 }, { status: 500 });
      expect(await chat(c.headers, ask('upstream down'))).toBe(502);

      await kit.t.hub.services.models.usage.flush();
      const res = await kit.t.app.inject('/metrics');
      expect(res.statusCode).toBe(200);
      text = res.body;
      samples = parseMetrics(text);
    });
    afterAll(() => kit?.close());

    it('passes promtool check metrics (Prometheus naming conventions)', () => {
      const { status, output } = promtoolCheck(text);
      expect(output).toBe('');
      expect(status).toBe(0);
    });

    it('counts requests by model, deployment and outcome', () => {
      const requests = (labels: Record<string, string>) =>
        sumOf(samples, 'hub_gateway_requests_total', labels);
      expect(
        requests({ model: 'test-gpt', deployment: 'primary', provider: 'openai-compatible', outcome: 'ok' }),
      ).toBe(2);
      expect(requests({ model: 'test-gpt', deployment: 'none', outcome: 'insufficient_credits' })).toBe(1);
      expect(requests({ model: 'test-gpt', outcome: 'rate_limited' })).toBe(1);
      expect(requests({ model: 'test-gpt', outcome: 'upstream_error' })).toBe(1);
      expect(requests({ model: 'test-cached', outcome: 'ok' })).toBe(1);
      expect(requests({ model: 'test-cached', outcome: 'cached' })).toBe(2);
      expect(requests({ model: 'test-fallback', deployment: 'fallback-b', outcome: 'ok' })).toBe(1);
      expect(
        sumOf(samples, 'hub_gateway_rate_limit_refusals_total', {
          model: 'test-gpt',
          scope: 'api_key',
          unit: 'requests',
        }),
      ).toBe(1);
    });

    it('counts tokens (the upstream prompt cache included) and the credits charged, as the usage log has them', async () => {
      const rows = (await kit.usageRows()) as Array<{
        model: string;
        input_tokens: number;
        output_tokens: number;
        cost: number;
      }>;
      for (const model of ['test-gpt', 'test-cached', 'test-fallback']) {
        const of = rows.filter((row) => row.model === model);
        const total = (pick: (row: (typeof of)[0]) => number) => of.reduce((sum, row) => sum + pick(row), 0);
        expect(sumOf(samples, 'hub_gateway_tokens_total', { model, type: 'input' })).toBe(
          total((r) => r.input_tokens),
        );
        expect(sumOf(samples, 'hub_gateway_tokens_total', { model, type: 'output' })).toBe(
          total((r) => r.output_tokens),
        );
        expect(sumOf(samples, 'hub_gateway_credits_charged_total', { model })).toBeCloseTo(
          total((r) => r.cost) / UNITS_PER_CREDIT,
          9,
        );
      }
      expect(sumOf(samples, 'hub_gateway_tokens_total', { model: 'test-gpt', type: 'cached_input' })).toBe(8);
    });

    it('counts attempts by result, retries, fallbacks, cache lookups; times the upstream and the first token', () => {
      const attempts = (deployment: string, result: string) =>
        sumOf(samples, 'hub_gateway_upstream_attempts_total', { deployment, result });
      expect(attempts('primary', 'ok')).toBe(2);
      expect(attempts('primary', 'server_error')).toBe(3);
      expect(attempts('fallback-a', 'server_error')).toBe(3);
      expect(attempts('fallback-b', 'ok')).toBe(1);
      expect(sumOf(samples, 'hub_gateway_retries_total', { deployment: 'fallback-a' })).toBe(2);
      expect(sumOf(samples, 'hub_gateway_retries_total', { deployment: 'primary' })).toBe(2);
      expect(
        sumOf(samples, 'hub_gateway_fallbacks_total', { model: 'test-fallback', deployment: 'fallback-b' }),
      ).toBe(1);
      expect(
        sumOf(samples, 'hub_gateway_cache_lookups_total', { model: 'test-cached', result: 'miss' }),
      ).toBe(1);
      expect(sumOf(samples, 'hub_gateway_cache_lookups_total', { model: 'test-cached', result: 'hit' })).toBe(
        2,
      );
      expect(sumOf(samples, 'hub_gateway_upstream_duration_seconds_count', { deployment: 'primary' })).toBe(
        2,
      );
      expect(sumOf(samples, 'hub_gateway_time_to_first_token_seconds_count', { deployment: 'primary' })).toBe(
        1,
      );
      expect(
        sumOf(samples, 'hub_gateway_time_to_first_token_seconds_bucket', {
          deployment: 'primary',
          le: '+Inf',
        }),
      ).toBe(1);
    });

    it("shows each deployment's circuit state", () => {
      const state = (deployment: string, s: string) =>
        sumOf(samples, 'hub_gateway_circuit_state', { deployment, state: s });
      expect([state('primary', 'open'), state('primary', 'closed')]).toEqual([1, 0]);
      expect([state('fallback-b', 'open'), state('fallback-b', 'closed')]).toEqual([0, 1]);
    });

    it('follows the holds, the ledger commits, the usage rows and the event stream', () => {
      const holds = (event: string) => sumOf(samples, 'hub_credit_holds_total', { event });
      expect(holds('refused')).toBe(1);
      expect(holds('placed')).toBeGreaterThanOrEqual(7);
      expect(holds('placed')).toBe(holds('settled') + holds('released') + holds('expired'));
      expect(holds('released')).toBe(1);
      expect(sumOf(samples, 'hub_credit_holds_open')).toBe(0);
      expect(sumOf(samples, 'hub_credit_holds_overdue')).toBe(0);
      const operations = (operation: string) =>
        sumOf(samples, 'hub_ledger_operation_duration_seconds_count', { operation });
      expect(operations('hold')).toBe(holds('placed') + holds('refused'));
      expect(operations('settle') + operations('release')).toBe(holds('placed'));
      // SQLite's holds and settles share group commits; PostgreSQL's are a statement each.
      if (dialect === 'sqlite')
        expect(sumOf(samples, 'hub_ledger_commit_group_size_count')).toBeGreaterThan(0);
      expect(sumOf(samples, 'hub_ledger_commit_duration_seconds_count')).toBe(
        sumOf(samples, 'hub_ledger_commits_total'),
      );
      expect(sumOf(samples, 'hub_ledger_commits_total', { result: 'failed' })).toBe(0);
      // One usage row per metered request, refusals included.
      expect(sumOf(samples, 'hub_usage_rows_queued_total')).toBe(9);
      expect(sumOf(samples, 'hub_usage_rows_written_total')).toBe(9);
      expect(sumOf(samples, 'hub_usage_rows_dropped_total')).toBe(0);
      expect(sumOf(samples, 'hub_usage_rows_pending')).toBe(0);
      const lag = samples.filter(
        (s) => s.name === 'hub_event_stream_lag' && s.labels['stream'] === 'hub-events',
      );
      expect(lag.map((s) => s.labels['group'])).toContain('notifications');
      expect(lag.every((s) => s.value >= 0)).toBe(true);
    });

    it('counts HTTP requests by route pattern and status', () => {
      expect(
        sumOf(samples, 'hub_http_requests_total', {
          method: 'POST',
          route: '/v1/chat/completions',
          status: '402',
        }),
      ).toBe(1);
    });

    it('never labels a series with a user, a key or a request', () => {
      expect(identities.length).toBeGreaterThan(10);
      for (const identity of identities) expect(text).not.toContain(identity);
    });
  });
}

describe('the /metrics endpoint', () => {
  it('answers only the METRICS_TOKEN bearer when one is set', async () => {
    const t = await createTestHub({ env: { METRICS_TOKEN: 'scrape-me-scrape-me-0123' } });
    try {
      const without = await t.app.inject('/metrics');
      expect(without.statusCode).toBe(401);
      expect(without.json().error.message).toMatch(/METRICS_TOKEN/);
      const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-me' } });
      expect(wrong.statusCode).toBe(401);
      const right = await t.app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-me-scrape-me-0123' },
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('hub_http_requests_total');
    } finally {
      await t.close();
    }
  });

  it('is gone with HUB_METRICS=off, and the gateway reports to nothing', async () => {
    const t = await createTestHub({ env: { HUB_METRICS: 'off' } });
    try {
      expect((await t.app.inject('/metrics')).statusCode).toBe(404);
      expect(gatewayDepsOf(t.hub).metrics).toBe(noGatewayMetrics);
      expect(await t.hub.metrics.registry.metrics()).toBe('\n');
    } finally {
      await t.close();
    }
  });

  it('names each outcome from the usage row, in a bounded set', () => {
    expect(outcomeOf('ok', null)).toBe('ok');
    expect(outcomeOf('cancelled', 'client_closed')).toBe('aborted');
    expect(outcomeOf('rejected', 'insufficient_credits')).toBe('insufficient_credits');
    expect(outcomeOf('error', 'upstream_timeout')).toBe('upstream_timeout');
    expect(outcomeOf('rejected', 'model_not_allowed')).toBe('client_error');
    expect(outcomeOf('error', 'internal_error')).toBe('error');
  });
});
