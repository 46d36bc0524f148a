import { testDialects } from '@smart-ai-hub/adapters/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedAnthropicUsage } from '../../../../test/fakes/anthropic-answer.js';
import { type FakeAnthropic, startFakeAnthropic } from '../../../../test/fakes/fake-anthropic.js';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { creditsToUnits } from '../../credits/money.js';
import { anthropicProvider } from './anthropic-provider.js';

const tools = [
  {
    type: 'function' as const,
    function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
];

for (const dialect of await testDialects()) {
  const coordination = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`POST /v1/chat/completions for an Anthropic model, official openai client (${dialect} + ${coordination})`, () => {
    let fake: FakeAnthropic;
    let t: TestHub & { url: string };
    let user: TestUser;
    let client: OpenAI;

    beforeAll(async () => {
      fake = await startFakeAnthropic();
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        env: { ANTHROPIC_API_KEY: 'sk-ant-fake', ANTHROPIC_BASE_URL: fake.baseURL },
        models: { includeDefaults: true, retry: { baseDelayMs: 1, maxDelayMs: 50 } },
      });
      user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(50),
        idempotencyKey: `g-${user.user.id}`,
      });
      client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    it('answers non-streamed with the usage Anthropic reported', async () => {
      const completion = await client.chat.completions.create({
        model: 'claude-haiku-4-5',
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: 'Say something' },
        ],
      });
      const sent = fake.requests.at(-1)!.body;
      expect(sent).toMatchObject({
        system: 'Be brief',
        messages: [{ role: 'user', content: 'Say something' }],
      });
      const usage = expectedAnthropicUsage(sent);
      expect(completion.choices[0]!.message.content).toBe('word1 word2 word3 word4 word5');
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      expect(completion.usage).toMatchObject({
        prompt_tokens: usage.input_tokens,
        completion_tokens: usage.output_tokens,
      });
    });

    it('streams tool calls with usage in the last chunk', async () => {
      fake.script({ toolCall: { name: 'weather', arguments: { city: 'Rome' }, id: 'toolu_9' } });
      const stream = await client.chat.completions.create({
        model: 'claude-haiku-4-5',
        stream: true,
        stream_options: { include_usage: true },
        tools,
        messages: [{ role: 'user', content: 'Weather in Rome?' }],
      });
      let args = '';
      let id = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        const call = chunk.choices[0]?.delta.tool_calls?.[0];
        if (call?.id) id = call.id;
        args += call?.function?.arguments ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(id).toBe('toolu_9');
      expect(JSON.parse(args)).toEqual({ city: 'Rome' });
      expect(finish).toBe('tool_calls');
      const expected = expectedAnthropicUsage(fake.requests.at(-1)!.body, {
        toolCall: { name: 'weather', arguments: { city: 'Rome' } },
      });
      expect(usage).toMatchObject({
        prompt_tokens: expected.input_tokens,
        completion_tokens: expected.output_tokens,
      });
    });

    it('retries an upstream 529 then succeeds, charging once', async () => {
      const before = (await t.hub.services.credits.balance(user.user.id)).balance;
      const requests = fake.stats.requests;
      fake.script({ status: 529, retryAfter: 0 });
      const completion = await client.chat.completions.create({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(fake.stats.requests - requests).toBe(2);
      const charged = before - (await t.hub.services.credits.balance(user.user.id)).balance;
      const usage = completion.usage!;
      expect(charged).toBe(
        Math.ceil(
          (usage.prompt_tokens * creditsToUnits(1) + usage.completion_tokens * creditsToUnits(5)) / 1_000_000,
        ),
      );
    });

    it('retries a stream whose first event is an overloaded error, then streams it in full, charging once', async () => {
      const before = (await t.hub.services.credits.balance(user.user.id)).balance;
      const requests = fake.stats.requests;
      // What Anthropic does under load: a 200, then `event: error` before the message starts.
      const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
      fake.script({
        body: `event: error\ndata: ${JSON.stringify(overloaded)}\n\n`,
        contentType: 'text/event-stream',
      });
      const stream = await client.chat.completions.create({
        model: 'claude-haiku-4-5',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Hi' }],
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('word1 word2 word3 word4 word5');
      expect(fake.stats.requests - requests).toBe(2);
      const charged = before - (await t.hub.services.credits.balance(user.user.id)).balance;
      expect(charged).toBe(
        Math.ceil(
          (usage!.prompt_tokens * creditsToUnits(1) + usage!.completion_tokens * creditsToUnits(5)) /
            1_000_000,
        ),
      );
    });
  });
}

describe('anthropic provider', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake?.close());

  // The pipeline relies on it (the provider contract): leaving the iteration closes the upstream.
  it('closes the upstream request when the caller breaks out of the iteration', async () => {
    const provider = anthropicProvider({
      id: 'claude',
      provider: 'anthropic',
      upstreamModel: 'claude-haiku-4-5',
      baseURL: fake.baseURL,
      apiKey: 'sk-ant-fake',
      timeoutMs: 5_000,
      options: {},
    });
    fake.script({ chunks: 50, chunkDelayMs: 20 });
    const stream = await provider.stream(
      { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] },
      { signal: new AbortController().signal, requestId: 'req_1' },
    );
    const aborted = fake.waitForAbort(5_000);
    let seen = 0;
    for await (const _ of stream) if (++seen === 3) break;
    expect(seen).toBe(3);
    expect((await aborted).path).toBe('/v1/messages');
  });
});
