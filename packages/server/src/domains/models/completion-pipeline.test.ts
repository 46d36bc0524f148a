import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentText, expectedOpenAIUsage } from '../../../test/fakes/index.js';
import { hubOutputCount, hubPromptCount } from '../../../test/support/token-oracle.js';
import { unitsToCredits } from '../credits/money.js';
import { costOf } from './catalog/model-catalog.js';
import { outputTokenLimit, promptTokensBound } from './metering/prompt-bound.js';
import { createGatewayKit, eventually, GATEWAY_SETUPS, type GatewayKit } from './models-test-kit.js';
import type { ProviderFactory } from './providers/provider.js';

/** Reads an SSE response until `contentChunks` content deltas arrived, then drops the connection. */
function streamThenDisconnect(
  url: string,
  apiKey: string,
  body: unknown,
  contentChunks: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (data: string) => {
        buffer += data;
        const seen = buffer.match(/"content":"[^"]+"/g)?.length ?? 0;
        if (seen >= contentChunks) {
          req.destroy();
          resolve(seen);
        }
      });
      res.on('error', () => {});
    });
    req.end(JSON.stringify(body));
  });
}

/** What the `greedy` upstream reports as usage (set per test): often more than the hold covers. */
let reportedUsage: unknown;

/** A provider whose upstream reports whatever usage the test sets. */
const greedy: ProviderFactory = () => ({
  async complete(request) {
    return {
      id: 'greedy',
      object: 'chat.completion',
      created: 0,
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'lots' }, finish_reason: 'stop' }],
      usage: reportedUsage as never,
    };
  },
  async stream() {
    throw new Error('not used');
  },
});

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`metering on ${dialect} + ${coordination}`, () => {
    let kit: GatewayKit;
    const prices = { inputPrice: 100, outputPrice: 200, maxOutputTokens: 100 };

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        listen: true,
        providers: { greedy },
        extraModels: [{ id: 'greedy', ...prices, deployments: [{ id: 'greedy', provider: 'greedy' }] }],
      });
    });
    afterAll(() => kit?.close());
    beforeEach(() => {
      kit.fake.reset();
      kit.backup.reset();
    });

    for (const chunks of [0, 1, 50]) {
      it(`a client leaving after ${chunks} chunks closes the upstream and pays input + output so far`, async () => {
        const { userId, apiKey } = await kit.user();
        const body = {
          model: 'test-gpt',
          stream: true,
          messages: [{ role: 'user', content: `Tell me ${chunks} things` }],
        };
        if (chunks === 0) {
          // Gone before the upstream's first byte: the prompt was sent, nothing came back.
          kit.fake.script({ hangBeforeFirstByteMs: 10_000 });
          const controller = new AbortController();
          const pending = fetch(`${kit.t.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: controller.signal,
          }).catch((e) => e);
          await eventually(async () => kit.fake.stats.requests === 1);
          controller.abort();
          expect(await pending).toBeInstanceOf(Error);
        } else {
          // The upstream stops after `chunks` and waits: the client has seen all it produced.
          kit.fake.script({ chunks: 80, hangAfterChunks: chunks });
          expect(await streamThenDisconnect(kit.t.url, apiKey, body, chunks)).toBe(chunks);
        }
        await kit.fake.waitForAbort();
        expect(kit.fake.stats.aborted).toBe(1);
        // The row is queued after the charge settles: waiting for it waits for the settlement.
        const row = await kit.usageRowOf(userId);
        expect(await kit.openHolds()).toBe(0);
        // No usage arrived: the hub counted the prompt and what was delivered with its tokenizer.
        const output = hubOutputCount(contentText(chunks));
        const expected = hubPromptCount(body.messages) + 2 * output;
        expect(await kit.balance(userId)).toBe(1_000_000 - expected);
        expect(row).toMatchObject({ status: 'cancelled', output_tokens: output });
        expect(Number(row.cost)).toBe(expected);
      });
    }

    it('retries an upstream 500 once and charges once', async () => {
      const { userId, apiKey } = await kit.user();
      kit.fake.script({ status: 500 });
      const client = new OpenAI({ apiKey, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
      const body = { model: 'test-gpt', messages: [{ role: 'user' as const, content: 'retry me' }] };
      const answer = await client.chat.completions.create(body);
      expect(answer.choices[0]?.message.content).toBe('word1 word2 word3 word4 word5');
      expect(kit.fake.stats.requests).toBe(2);
      const usage = expectedOpenAIUsage(body);
      expect(await kit.balance(userId)).toBe(1_000_000 - usage.prompt_tokens - 2 * usage.completion_tokens);
      const rows = (await kit.usageRows()).filter((r) => r.user_id === userId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'ok', deployment: 'primary', provider: 'openai-compatible' });
    });

    it('ends a stream that fails mid-way with an error event, charging only what was delivered', async () => {
      const { userId, apiKey } = await kit.user();
      kit.fake.script({ chunks: 10, failAfterChunks: 3, chunkDelayMs: 0 });
      const client = new OpenAI({ apiKey, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
      const body = { model: 'test-gpt', messages: [{ role: 'user' as const, content: 'fail half way' }] };
      let text = '';
      const failure = await (async () => {
        for await (const chunk of await client.chat.completions.create({ ...body, stream: true })) {
          text += chunk.choices[0]?.delta.content ?? '';
        }
      })().catch((e) => e);
      expect(text).toBe('word1 word2 word3');
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(failure.message).toMatch(/failed mid-stream/);
      expect(kit.fake.stats.requests).toBe(1);
      const output = hubOutputCount(text);
      const expected = hubPromptCount(body.messages) + 2 * output;
      expect(await kit.balance(userId)).toBe(1_000_000 - expected);
      const row = (await kit.usageRows()).find((r) => r.user_id === userId)!;
      expect(row).toMatchObject({ status: 'error', error_code: 'upstream_error', output_tokens: output });
    });

    it('honours an upstream 429 Retry-After, then succeeds', async () => {
      const { userId, apiKey } = await kit.user();
      kit.fake.script({ status: 429, retryAfter: 0.3 });
      const started = Date.now();
      const res = await kit.t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${apiKey}` },
        payload: { model: 'test-gpt', messages: [{ role: 'user', content: 'patience' }] },
      });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(kit.fake.stats.requests).toBe(2);
      expect((await kit.usageRows()).filter((r) => r.user_id === userId)).toHaveLength(1);
    });

    it('falls back to the next deployment when Retry-After is too long', async () => {
      const { userId, apiKey } = await kit.user();
      kit.fake.script({ status: 429, retryAfter: 60 });
      const res = await kit.t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${apiKey}` },
        payload: { model: 'test-fallback', messages: [{ role: 'user', content: 'elsewhere' }] },
      });
      expect(res.statusCode).toBe(200);
      expect(kit.fake.stats.requests).toBe(1);
      expect(kit.backup.stats.requests).toBe(1);
      const row = (await kit.usageRows()).find((r) => r.user_id === userId)!;
      expect(row).toMatchObject({ status: 'ok', deployment: 'fallback-b' });
    });

    it('lets exactly one of 8 concurrent requests through when the balance covers one', async () => {
      const body = {
        model: 'test-gpt',
        max_tokens: 20,
        messages: [{ role: 'user' as const, content: 'only one of us' }],
      };
      const model = kit.t.hub.services.models.catalog.resolve('test-gpt')!;
      const hold = costOf(model, promptTokensBound(body), outputTokenLimit(body, model.maxOutputTokens));
      const { userId, apiKey } = await kit.user({ units: hold });
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          kit.t.app.inject({
            method: 'POST',
            url: '/v1/chat/completions',
            headers: { authorization: `Bearer ${apiKey}` },
            payload: body,
          }),
        ),
      );
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses).toEqual([200, 402, 402, 402, 402, 402, 402, 402]);
      expect(answers.find((a) => a.statusCode === 402)!.json().error.code).toBe('insufficient_credits');
      expect(kit.fake.stats.requests).toBe(1);
      const usage = expectedOpenAIUsage(body);
      expect(await kit.balance(userId)).toBe(hold - usage.prompt_tokens - 2 * usage.completion_tokens);
      const rows = (await kit.usageRows()).filter((r) => r.user_id === userId);
      expect(rows.map((r) => r.status).sort()).toEqual(['ok', ...Array(7).fill('rejected')]);
    });

    it('charges what the upstream reports beyond the hold, all of it, and records the overage', async () => {
      const body = {
        model: 'greedy',
        max_tokens: 10,
        messages: [{ role: 'user' as const, content: 'how much?' }],
      };
      const model = kit.t.hub.services.models.catalog.resolve('greedy')!;
      const bound = promptTokensBound(body);
      const hold = costOf(model, bound, 10);
      // More than the hold covers, yet a count the request could produce (not absurd).
      reportedUsage = { prompt_tokens: 2 * bound, completion_tokens: 10, total_tokens: 2 * bound + 10 };
      const cost = costOf(model, 2 * bound, 10);
      expect(cost).toBeGreaterThan(hold);
      const { userId, apiKey } = await kit.user({ units: 1_000_000 });
      const res = await kit.t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${apiKey}` },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-hub-cost']).toBe(String(unitsToCredits(cost)));
      // The work was done: the balance goes below zero by the excess, recorded on the hold.
      expect(await kit.balance(userId)).toBe(1_000_000 - cost);
      const row = await kit.t.hub.db
        .selectFrom('credit_holds')
        .select(['settled_amount', 'overage'])
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ settled_amount: cost, overage: cost - hold });
    });

    for (const [what, usage] of [
      ['missing', undefined],
      ['null counts', { prompt_tokens: null, completion_tokens: null, total_tokens: null }],
      ['negative counts', { prompt_tokens: -50, completion_tokens: -1, total_tokens: -51 }],
      ['strings', { prompt_tokens: '12', completion_tokens: '3', total_tokens: '15' }],
      ['fractions', { prompt_tokens: 1.5, completion_tokens: 2.5, total_tokens: 4 }],
      ['absurd counts', { prompt_tokens: 1e15, completion_tokens: 1e15, total_tokens: 2e15 }],
    ] as const) {
      it(`charges its own count when the upstream's usage is ${what}, with no error and no hold left`, async () => {
        reportedUsage = usage;
        const body = {
          model: 'greedy',
          max_tokens: 10,
          messages: [{ role: 'user' as const, content: 'how much?' }],
        };
        const { userId, apiKey } = await kit.user({ units: 1_000_000 });
        const res = await kit.t.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: { authorization: `Bearer ${apiKey}` },
          payload: body,
        });
        expect(res.statusCode).toBe(200);
        const model = kit.t.hub.services.models.catalog.resolve('greedy')!;
        const input = hubPromptCount(body.messages);
        const output = hubOutputCount('lots');
        const cost = costOf(model, input, output);
        expect(res.json().usage).toEqual({
          prompt_tokens: input,
          completion_tokens: output,
          total_tokens: input + output,
        });
        expect(res.headers['x-hub-cost']).toBe(String(unitsToCredits(cost)));
        expect(await kit.balance(userId)).toBe(1_000_000 - cost);
        const holds = await kit.t.hub.db
          .selectFrom('credit_holds')
          .select(['status', 'settled_amount'])
          .where('user_id', '=', userId)
          .execute();
        expect(holds).toEqual([{ status: 'settled', settled_amount: cost }]);
      });
    }

    it('leaves no hold open', async () => {
      await eventually(async () => (await kit.openHolds()) === 0);
      expect(await kit.openHolds()).toBe(0);
    });
  });
}
