import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costOf } from '../catalog/model-catalog.js';
import { createGatewayKit, GATEWAY_SETUPS, type GatewayKit } from '../models-test-kit.js';
import { MIN_ANSWER_TOKENS } from './output-fit.js';
import { promptTokensBound } from './prompt-bound.js';

const noise = (n: number) => Array.from({ length: n }, (_, i) => `w${(i * 7919) % 10007}`).join(' ');

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`holds sized from the whole request on ${dialect} + ${coordination}`, () => {
    let kit: GatewayKit;
    const chat = (headers: Record<string, string>, payload: unknown) =>
      kit.t.app.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload: payload as object });

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        extraModels: [
          // 0.02 credits per million tokens: 15 tokens cost 0.3 micro-credits.
          {
            id: 'penny',
            inputPrice: 0.02,
            outputPrice: 0.02,
            deployments: [{ id: 'penny-mock', provider: 'mock' }],
          },
        ],
      });
    });
    afterAll(() => kit?.close());
    beforeEach(() => kit.fake.reset());

    it('refuses (402, before the upstream) a request whose prompt hides in tool call arguments the balance cannot pay', async () => {
      const body = {
        model: 'test-gpt',
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c',
                type: 'function',
                function: { name: 'f', arguments: JSON.stringify({ a: noise(20_000) }) },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'c', content: 'ok' },
        ],
      };
      // Enough for the visible text many times over, not for the 120,000 characters of arguments.
      const { headers } = await kit.user({ units: 20_000 });
      const res = await chat(headers, body);
      expect(res.statusCode).toBe(402);
      expect(res.json().error.code).toBe('insufficient_credits');
      expect(kit.fake.stats.requests).toBe(0);
    });

    it('refuses a file part with a clear 400 and calls nobody', async () => {
      const { headers } = await kit.user();
      const res = await chat(headers, {
        model: 'test-gpt',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/type file are not accepted/);
      expect(kit.fake.stats.requests).toBe(0);
    });

    it('lowers the upstream max_tokens to what the balance pays when the request named none, and says so', async () => {
      const body = { model: 'test-gpt', messages: [{ role: 'user' as const, content: 'a short question' }] };
      const model = kit.t.hub.services.models.catalog.resolve('test-gpt')!;
      // The model allows 100 output tokens; the balance pays the prompt's bound and 40 of them.
      const units = costOf(model, promptTokensBound(body), 40);
      const { headers, userId } = await kit.user({ units });
      const res = await chat(headers, body);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-hub-max-tokens']).toBe('40');
      expect((kit.fake.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(40);
      expect(await kit.balance(userId)).toBeGreaterThanOrEqual(0);
      expect(await kit.openHolds()).toBe(0);
    });

    it('keeps a limit the caller asked for: 402 rather than a shorter answer', async () => {
      const body = {
        model: 'test-gpt',
        max_tokens: 100,
        messages: [{ role: 'user' as const, content: 'a short question' }],
      };
      const model = kit.t.hub.services.models.catalog.resolve('test-gpt')!;
      const { headers } = await kit.user({ units: costOf(model, promptTokensBound(body), 40) });
      const res = await chat(headers, body);
      expect(res.statusCode).toBe(402);
      expect(kit.fake.stats.requests).toBe(0);
    });

    it('answers 402 when not even a minimal answer fits', async () => {
      const body = { model: 'test-gpt', messages: [{ role: 'user' as const, content: 'a short question' }] };
      const model = kit.t.hub.services.models.catalog.resolve('test-gpt')!;
      const { headers } = await kit.user({
        units: costOf(model, promptTokensBound(body), MIN_ANSWER_TOKENS - 1),
      });
      const res = await chat(headers, body);
      expect(res.statusCode).toBe(402);
      expect(kit.fake.stats.requests).toBe(0);
    });

    it('charges 10,000 requests at 0.02 credits per million tokens within 10,000 micro-credits of their exact price', async () => {
      const { headers, userId } = await kit.user({ units: 1_000_000 });
      const before = await kit.balance(userId);
      let tokens = 0;
      const ask = (i: number) =>
        chat(headers, {
          model: 'penny',
          max_tokens: 12,
          messages: [{ role: 'user', content: `question ${i}` }],
        });
      for (let start = 0; start < 10_000; start += 200) {
        const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => ask(start + i)));
        for (const res of answers) {
          expect(res.statusCode).toBe(200);
          tokens += res.json().usage.total_tokens;
        }
      }
      const charged = before - (await kit.balance(userId));
      // 0.02 units a token: the exact price of all of them, in micro-credits.
      const exact = tokens * 0.02;
      expect(charged).toBeGreaterThanOrEqual(Math.ceil(exact));
      expect(charged - exact).toBeLessThanOrEqual(10_000);
      expect(await kit.openHolds()).toBe(0);
    }, 180_000);
  });
}
