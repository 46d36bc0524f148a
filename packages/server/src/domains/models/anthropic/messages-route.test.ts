import Anthropic from '@anthropic-ai/sdk';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedAnthropicUsage } from '../../../../test/fakes/anthropic-answer.js';
import { type FakeAnthropic, startFakeAnthropic } from '../../../../test/fakes/fake-anthropic.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/fake-openai.js';
import { contentText } from '../../../../test/fakes/fake-tokens.js';
import { expectedOpenAIUsage } from '../../../../test/fakes/openai-answer.js';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { hubOutputCount, hubPromptCount } from '../../../../test/support/token-oracle.js';
import { creditsToUnits } from '../../credits/money.js';

const tools = [
  {
    name: 'weather',
    description: 'Weather now',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
  },
];
const toolCall = { name: 'weather', arguments: { city: 'Paris' }, id: 'toolu_fixed' };

/** Units a request costs at these prices (credits per million tokens), as the catalog computes it. */
const cost = (input: number, output: number, inPrice: number, outPrice: number) =>
  Math.ceil((input * creditsToUnits(inPrice) + output * creditsToUnits(outPrice)) / 1_000_000);

for (const dialect of await testDialects()) {
  const coordination = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`POST /v1/messages with the official Anthropic client (${dialect} + ${coordination})`, () => {
    let openai: FakeOpenAI;
    let anthropicFake: FakeAnthropic;
    let t: TestHub & { url: string };
    let user: TestUser;
    let client: Anthropic;

    beforeAll(async () => {
      [openai, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        env: {
          OPENAI_API_KEY: 'sk-fake-openai',
          OPENAI_BASE_URL: openai.baseURL,
          ANTHROPIC_API_KEY: 'sk-ant-fake',
          ANTHROPIC_BASE_URL: anthropicFake.baseURL,
        },
      });
      user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(100),
        idempotencyKey: `grant-${user.user.id}`,
      });
      client = new Anthropic({ baseURL: t.url, apiKey: user.apiKey, maxRetries: 0 });
    });
    afterAll(async () => {
      await t?.close();
      await Promise.all([openai?.close(), anthropicFake?.close()]);
    });

    const balance = async () => (await t.hub.services.credits.balance(user.user.id)).balance;

    it('answers the mock model, non-streamed, with usage and the charge in headers', async () => {
      const before = await balance();
      const { data, response } = await client.messages
        .create({ model: 'mock-small', max_tokens: 3, messages: [{ role: 'user', content: 'Hello there' }] })
        .withResponse();
      expect(data.type).toBe('message');
      expect(data.content).toHaveLength(1);
      expect(data.content[0]!.type).toBe('text');
      expect(data.stop_reason).toBe('max_tokens');
      expect(data.usage.output_tokens).toBe(3);
      const charged = Number(response.headers.get('x-hub-cost'));
      expect(before - (await balance())).toBe(creditsToUnits(charged));
      expect(charged).toBeGreaterThan(0);
    });

    it('streams an OpenAI-family model, translated, and charges the reported usage exactly', async () => {
      const body = { messages: [{ role: 'user' as const, content: 'Count to five please' }] };
      const usage = expectedOpenAIUsage(body);
      const before = await balance();
      const message = await client.messages
        .stream({ model: 'gpt-4o-mini', max_tokens: 100, ...body })
        .finalMessage();
      expect(message.content).toEqual([{ type: 'text', text: 'word1 word2 word3 word4 word5' }]);
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage).toMatchObject({
        input_tokens: usage.prompt_tokens,
        output_tokens: usage.completion_tokens,
      });
      expect(before - (await balance())).toBe(cost(usage.prompt_tokens, usage.completion_tokens, 0.15, 0.6));
      const upstream = openai.requests.at(-1)!.body as Record<string, unknown>;
      expect(upstream).toMatchObject({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('serves an Anthropic model natively, streamed and not, with tool use', async () => {
      const body = {
        max_tokens: 200,
        tools,
        messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      };
      anthropicFake.script({ toolCall }, { toolCall });
      const plain = await client.messages.create({ model: 'claude-haiku-4-5', ...body });
      expect(plain.content).toEqual([
        { type: 'tool_use', id: 'toolu_fixed', name: 'weather', input: { city: 'Paris' } },
      ]);
      expect(plain.stop_reason).toBe('tool_use');

      const before = await balance();
      const streamed = await client.messages.stream({ model: 'claude-haiku-4-5', ...body }).finalMessage();
      expect(streamed.content).toEqual(plain.content);
      const upstreamUsage = expectedAnthropicUsage(anthropicFake.requests.at(-1)!.body, { toolCall });
      expect(streamed.usage).toMatchObject({
        input_tokens: upstreamUsage.input_tokens,
        output_tokens: upstreamUsage.output_tokens,
      });
      expect(before - (await balance())).toBe(
        cost(upstreamUsage.input_tokens, upstreamUsage.output_tokens, 1, 5),
      );
      expect(anthropicFake.requests.at(-1)!.body).toMatchObject({
        model: 'claude-haiku-4-5',
        stream: true,
        tools: [{ name: 'weather' }],
      });
    });

    it('sends a tool result back through an OpenAI-family model', async () => {
      openai.script({});
      const message = await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 50,
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18C' }] },
        ],
      });
      expect(message.content[0]).toMatchObject({ type: 'text' });
      expect((openai.requests.at(-1)!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      ]);
    });

    it('answers errors in Anthropic shape: unknown model, invalid body, bad key, no credits', async () => {
      await expect(
        client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toMatchObject({
        status: 404,
        error: {
          type: 'error',
          error: { type: 'not_found_error', message: expect.stringContaining('nope') },
        },
      });
      await expect(
        client.messages.create({
          model: 'mock-small',
          max_tokens: 0,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toMatchObject({
        status: 400,
        error: {
          type: 'error',
          error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') },
        },
      });
      const stranger = new Anthropic({ baseURL: t.url, apiKey: 'sk-hub-not-a-key', maxRetries: 0 });
      await expect(
        stranger.messages.create({
          model: 'mock-small',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      const poor = await createUser(t);
      const broke = new Anthropic({ baseURL: t.url, apiKey: poor.apiKey, maxRetries: 0 });
      const before = openai.stats.requests;
      await expect(
        broke.messages.create({
          model: 'gpt-4o-mini',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toMatchObject({
        status: 402,
        error: { error: { type: 'billing_error', details: { available: 0, required: expect.any(Number) } } },
      });
      expect(openai.stats.requests).toBe(before);
    });

    it('accepts an older client sending x-api-key and anthropic-version 2023-06-01', async () => {
      const response = await fetch(`${t.url}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': user.apiKey,
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify({
          model: 'mock-small',
          max_tokens: 2,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ type: 'message', usage: { output_tokens: 2 } });
    });

    it('ends a stream that fails mid-way with an error event, charging what was delivered', async () => {
      openai.script({ chunks: 8, failAfterChunks: 3 });
      const before = await balance();
      const response = await fetch(`${t.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.apiKey}` },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          max_tokens: 50,
          stream: true,
          messages: [{ role: 'user', content: 'Go on' }],
        }),
      });
      const text = await response.text();
      expect(text.match(/event: content_block_delta/g)).toHaveLength(3);
      expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
      expect(text).not.toContain('message_stop');
      const charged = before - (await balance());
      // No usage arrived: the hub counted the prompt and the delivered text with its tokenizer.
      expect(charged).toBe(
        cost(hubPromptCount([{ content: 'Go on' }]), hubOutputCount(contentText(3)), 0.15, 0.6),
      );
    });
  });
}
