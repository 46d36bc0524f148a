import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { creditsToUnits, unitsToCredits } from '../credits/money.js';
import { costOf } from './catalog/model-catalog.js';
import { outputTokenLimit, promptTokensBound } from './metering/prompt-bound.js';
import { createGatewayKit, GATEWAY_SETUPS, type GatewayKit, TEST_PRICES } from './models-test-kit.js';

const ask = (content: string, model = 'test-gpt') => ({ model, messages: [{ role: 'user', content }] });

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`gateway policies on ${dialect} + ${coordination}`, () => {
    let kit: GatewayKit;
    const chat = (headers: Record<string, string>, payload: unknown) =>
      kit.t.app.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload: payload as object });

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        settings: { rateLimits: { apiKey: { requestsPerMinute: 2 } } },
        extraModels: [
          // Cached, no cache price: a hit costs the answer's tokens.
          {
            id: 'cached-at-token-price',
            ...TEST_PRICES,
            cache: true,
            maxOutputTokens: 100,
            deployments: [{ id: 'c2', provider: 'mock' }],
          },
          // Cached and shared across users by the operator.
          {
            id: 'cached-shared',
            ...TEST_PRICES,
            cache: true,
            cacheScope: 'shared',
            cachePrice: 0.001,
            maxOutputTokens: 100,
            deployments: [{ id: 'c3', provider: 'mock' }],
          },
        ],
      });
    });
    afterAll(() => kit?.close());

    it('answers 429 with Retry-After once a key spent its requests per minute', async () => {
      const { headers } = await kit.user();
      expect((await chat(headers, ask('one'))).statusCode).toBe(200);
      expect((await chat(headers, ask('two'))).statusCode).toBe(200);
      const requests = kit.fake.stats.requests;
      const limited = await chat(headers, ask('three'));
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json().error).toMatchObject({ code: 'rate_limited', type: 'rate_limit_error' });
      expect(kit.fake.stats.requests).toBe(requests);
    });

    it('counts the output tokens a request used against the tokens per minute', async () => {
      const tokenKit = await createGatewayKit(dialect, coordination, {
        settings: { rateLimits: { user: { tokensPerMinute: 20 } } },
      });
      try {
        const { headers } = await tokenKit.user();
        const send = () =>
          tokenKit.t.app.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload: ask('hi') });
        // A 1-token prompt fits; the answer's 30 tokens are counted once it is over.
        tokenKit.fake.script({ chunks: 30 });
        const first = await send();
        expect(first.statusCode).toBe(200);
        expect(first.json().usage.completion_tokens).toBe(30);
        const requests = tokenKit.fake.stats.requests;
        const limited = await send();
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.message).toMatch(/20 tokens per minute/);
        expect(tokenKit.fake.stats.requests).toBe(requests);
      } finally {
        await tokenKit.close();
      }
    });

    it('keeps a key to its allowed models', async () => {
      const { headers } = await kit.user({ allowedModels: ['test-fallback'] });
      const refused = await chat(headers, ask('hi', 'test-gpt'));
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('model_not_allowed');
      expect((await chat(headers, ask('hi', 'test-fallback'))).statusCode).toBe(200);
    });

    it('stops a key at its spending cap, counting what it was charged', async () => {
      const model = kit.t.hub.services.models.catalog.resolve('test-gpt')!;
      const holdOf = (body: ReturnType<typeof ask>) =>
        costOf(
          model,
          promptTokensBound(body as never),
          outputTokenLimit(body as never, model.maxOutputTokens),
        );
      // The cap covers one short request's hold, and not 11 units spent plus a long one's hold.
      const cap = holdOf(ask('a')) + 20;
      expect(11 + holdOf(ask('c'.repeat(400)))).toBeGreaterThan(cap);
      const { headers, apiKeyId } = await kit.user({ spendCap: cap });
      expect((await chat(headers, ask('a'))).statusCode).toBe(200);
      const spent = await kit.t.hub.db
        .selectFrom('api_keys')
        .select('spent')
        .where('id', '=', apiKeyId)
        .executeTakeFirstOrThrow();
      expect(Number(spent.spent)).toBe(1 + 2 * 5);
      const third = await chat(headers, ask('c'.repeat(400)));
      expect(third.statusCode).toBe(403);
      expect(third.json().error.code).toBe('spend_cap_reached');
    });

    it('serves an exact repeat from the cache at the cache price, saying so', async () => {
      const { headers, userId } = await kit.user({ units: 100_000 });
      const body = ask('cache me', 'test-cached');
      const first = await chat(headers, body);
      expect(first.statusCode).toBe(200);
      expect(first.headers['x-hub-cache']).toBeUndefined();
      const requests = kit.fake.stats.requests;
      const before = await kit.balance(userId);
      const second = await chat(headers, body);
      expect(second.statusCode).toBe(200);
      expect(second.headers['x-hub-cache']).toBe('hit');
      expect(second.headers['x-hub-cost']).toBe('0.01');
      expect(second.json().choices[0].message.content).toBe(first.json().choices[0].message.content);
      expect(kit.fake.stats.requests).toBe(requests);
      expect(await kit.balance(userId)).toBe(before - creditsToUnits(0.01));
      const rows = (await kit.usageRows()).filter((r) => r.user_id === userId);
      expect(rows.map((r) => r.status)).toEqual(['ok', 'cached']);
    });

    it('keeps cached answers per user: another user asking the same gets an answer of their own', async () => {
      const alice = await kit.user();
      const bob = await kit.user();
      const body = ask('the same question', 'test-cached');
      expect((await chat(alice.headers, body)).headers['x-hub-cache']).toBeUndefined();
      const requests = kit.fake.stats.requests;
      const bobs = await chat(bob.headers, body);
      expect(bobs.statusCode).toBe(200);
      expect(bobs.headers['x-hub-cache']).toBeUndefined();
      expect(kit.fake.stats.requests).toBe(requests + 1);
      expect((await chat(alice.headers, body)).headers['x-hub-cache']).toBe('hit');
    });

    it('shares cached answers across users only where the operator said so', async () => {
      const alice = await kit.user();
      const bob = await kit.user();
      const body = ask('shared question', 'cached-shared');
      expect((await chat(alice.headers, body)).headers['x-hub-cache']).toBeUndefined();
      const hit = await chat(bob.headers, body);
      expect(hit.headers['x-hub-cache']).toBe('hit');
      expect(hit.headers['x-hub-cost']).toBe('0.001');
    });

    it('charges a hit the normal price of its tokens when the model has no cache price', async () => {
      const { headers, userId } = await kit.user();
      const body = ask('price me', 'cached-at-token-price');
      const first = await chat(headers, body);
      const before = await kit.balance(userId);
      const hit = await chat(headers, body);
      expect(hit.headers['x-hub-cache']).toBe('hit');
      const model = kit.t.hub.services.models.catalog.resolve('cached-at-token-price')!;
      const { prompt_tokens, completion_tokens } = first.json().usage;
      const cost = costOf(model, prompt_tokens, completion_tokens);
      expect(cost).toBeGreaterThan(0);
      expect(hit.headers['x-hub-cost']).toBe(String(unitsToCredits(cost)));
      expect(await kit.balance(userId)).toBe(before - cost);
    });

    it('never lets a caller turn the cache on: x-hub-cache: true on an uncached model changes nothing', async () => {
      const alice = await kit.user();
      const body = ask('no cache here');
      await chat({ ...alice.headers, 'x-hub-cache': 'true' }, body);
      const requests = kit.fake.stats.requests;
      const again = await chat({ ...alice.headers, 'x-hub-cache': 'true' }, body);
      expect(again.headers['x-hub-cache']).toBeUndefined();
      expect(kit.fake.stats.requests).toBe(requests + 1);
      expect(Number(again.headers['x-hub-cost'])).toBeGreaterThan(0);
    });

    it('records the end user and reports usage by day and model', async () => {
      const { headers, userId } = await kit.user();
      await chat({ ...headers, 'x-hub-end-user': 'customer-42' }, ask('for my customer'));
      await chat(headers, { ...ask('named'), user: 'customer-7' });
      const rows = (await kit.usageRows()).filter((r) => r.user_id === userId);
      expect(rows.map((r) => r.end_user).sort()).toEqual(['customer-42', 'customer-7']);
      const report = await kit.t.app.inject({ url: '/api/v1/usage', headers });
      expect(report.statusCode).toBe(200);
      const cost = rows.reduce((sum, r) => sum + Number(r.cost), 0);
      expect(report.json()).toMatchObject({
        data: [{ day: new Date().toISOString().slice(0, 10), model: 'test-gpt', requests: 2 }],
        totals: { requests: 2, cost: unitsToCredits(cost) },
      });
      const admin = await createUser(kit.t, { role: 'admin' });
      const all = await kit.t.app.inject({
        url: `/api/v1/admin/usage?userId=${userId}`,
        headers: admin.headers,
      });
      expect(all.json().totals.requests).toBe(2);
      expect((await kit.t.app.inject({ url: '/api/v1/admin/usage', headers })).statusCode).toBe(403);
    });

    it('lists deployments with their health for admins, never their keys', async () => {
      const admin = await createUser(kit.t, { role: 'admin' });
      const res = await kit.t.app.inject({ url: '/api/v1/admin/providers', headers: admin.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().data[0]).toEqual({
        id: 'primary',
        provider: 'openai-compatible',
        upstreamModel: 'gpt-4o-mini',
        models: ['test-gpt'],
        circuit: 'closed',
        consecutiveFailures: 0,
        retryAt: null,
        hasKey: true,
      });
      expect(res.body).not.toContain(kit.fake.apiKey!);
      expect(res.body).not.toContain(kit.fake.url);
    });

    it('leaves no hold open', async () => {
      expect(await kit.openHolds()).toBe(0);
    });
  });
}
