import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentText, expectedOpenAIUsage } from '../../../../test/fakes/index.js';
import { unitsToCredits } from '../../credits/money.js';
import { createGatewayKit, GATEWAY_SETUPS, type GatewayKit, TEST_PRICES } from '../models-test-kit.js';

const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`the official openai client against the hub (${dialect} + ${coordination})`, () => {
    let kit: GatewayKit;
    let client: OpenAI;
    let userId: string;
    let apiKey: string;

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        listen: true,
        settings: { rateLimits: { apiKey: { requestsPerMinute: 1_000 } } },
      });
      ({ userId, apiKey } = await kit.user({ units: 1_000_000 }));
      client = new OpenAI({ apiKey, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
    });
    afterAll(() => kit?.close());

    it('answers non-streaming, charging the reported usage and saying so in headers', async () => {
      const body = {
        model: 'test-gpt',
        messages: [{ role: 'user' as const, content: 'Hello there, model!' }],
      };
      const before = await kit.balance(userId);
      const { data, response } = await client.chat.completions.create(body).withResponse();
      const usage = expectedOpenAIUsage(body);
      expect(data.choices[0]?.message.content).toBe(contentText(5));
      expect(data.usage?.prompt_tokens).toBe(usage.prompt_tokens);
      expect(data.model).toBe('test-gpt');
      const cost = usage.prompt_tokens + 2 * usage.completion_tokens;
      expect(await kit.balance(userId)).toBe(before - cost);
      expect(response.headers.get('x-hub-cost')).toBe(String(unitsToCredits(cost)));
      expect(response.headers.get('x-hub-balance')).toBe(String(unitsToCredits(before - cost)));
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect((data as unknown as { hub: { cost: number } }).hub.cost).toBe(unitsToCredits(cost));
      // The upstream was asked with the model's upstream id and a clamped output limit.
      const sent = kit.fake.requests.at(-1)?.body as { model: string; max_tokens: number };
      expect(sent.model).toBe('gpt-4o-mini');
      expect(sent.max_tokens).toBe(100);
    });

    it('streams, asking the upstream for usage, and ends with the charge', async () => {
      const body = { model: 'gpt', messages: [{ role: 'user' as const, content: 'Stream to me please' }] };
      const before = await kit.balance(userId);
      const stream = await client.chat.completions.create({ ...body, stream: true });
      let text = '';
      let last: OpenAI.ChatCompletionChunk | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        last = chunk;
      }
      expect(text).toBe(contentText(5));
      const sent = kit.fake.requests.at(-1)?.body as { stream_options: { include_usage: boolean } };
      expect(sent.stream_options).toEqual({ include_usage: true });
      const usage = expectedOpenAIUsage(body);
      const cost = usage.prompt_tokens + 2 * usage.completion_tokens;
      expect(last?.usage?.completion_tokens).toBe(5);
      const hub = (last as unknown as { hub: { cost: number; balance: number; requestId: string } }).hub;
      expect(hub.cost).toBe(unitsToCredits(cost));
      expect(hub.balance).toBe(unitsToCredits(before - cost));
      expect(await kit.balance(userId)).toBe(before - cost);
    });

    it('passes tool calls through, streamed and not', async () => {
      const body = {
        model: 'test-gpt',
        messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
        tools,
      };
      const call = { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_fixed' };
      kit.fake.script({ toolCall: call });
      const plain = await client.chat.completions.create(body);
      expect(plain.choices[0]?.finish_reason).toBe('tool_calls');
      expect(plain.choices[0]?.message.tool_calls?.[0]).toMatchObject({
        id: 'call_fixed',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      });
      expect((kit.fake.requests.at(-1)!.body as { tools: unknown }).tools).toEqual(tools);

      kit.fake.script({ toolCall: call });
      const runner = client.chat.completions.stream({ ...body, stream: true });
      const final = await runner.finalChatCompletion();
      expect(final.choices[0]?.message.tool_calls?.[0]?.function).toMatchObject({
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      });
    });

    it('answers errors in OpenAI’s shape', async () => {
      const missing = await client.chat.completions
        .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
      expect(missing.error).toMatchObject({ code: 'not_found', type: 'invalid_request_error' });
      expect(missing.message).toMatch(/no-such-model/);

      const invalid = await client.chat.completions
        .create({ model: 'test-gpt', messages: [] })
        .catch((e) => e);
      expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
      expect(invalid.error).toMatchObject({ code: 'validation_error', param: 'messages' });

      const anonymous = new OpenAI({ apiKey: 'sk-hub-wrong', baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
      const unauthorized = await anonymous.models.list().catch((e) => e);
      expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(unauthorized.error).toMatchObject({ type: 'authentication_error' });

      const poor = await kit.user({ units: 0 });
      const broke = new OpenAI({ apiKey: poor.apiKey, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
      const requests = kit.fake.stats.requests;
      const refused = await broke.chat.completions
        .create({ model: 'test-gpt', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect(refused.status).toBe(402);
      expect(refused.error).toMatchObject({ code: 'insufficient_credits', details: { available: 0 } });
      expect(refused.error.details.required).toBeGreaterThan(0);
      expect(kit.fake.stats.requests).toBe(requests);
    });

    it('lists the models the key may use', async () => {
      const all = await client.models.list();
      expect(all.data.map((m) => m.id)).toEqual(['test-gpt', 'test-fallback', 'test-cached']);
      const limited = await kit.user({ allowedModels: ['test-gpt'] });
      const res = await kit.t.app.inject({ url: '/api/v1/models', headers: limited.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toEqual([
        expect.objectContaining({
          id: 'test-gpt',
          aliases: ['gpt'],
          inputPrice: TEST_PRICES.inputPrice,
          outputPrice: TEST_PRICES.outputPrice,
          maxOutputTokens: 100,
        }),
      ]);
    });
  });
}
