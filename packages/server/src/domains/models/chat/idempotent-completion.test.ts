import { HubClient } from '@smart-ai-hub/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentText, expectedOpenAIUsage } from '../../../../test/fakes/index.js';
import { unitsToCredits } from '../../credits/money.js';
import { createGatewayKit, eventually, GATEWAY_SETUPS, type GatewayKit } from '../models-test-kit.js';

/** Units a `test-gpt` answer costs (1 per input token, 2 per output token). */
function costOf(body: { model: string; messages: Array<{ role: 'user'; content: string }> }): number {
  const usage = expectedOpenAIUsage(body);
  return usage.prompt_tokens + 2 * usage.completion_tokens;
}

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`Idempotency-Key on the chat endpoints (${dialect} + ${coordination})`, () => {
    let kit: GatewayKit;
    let n = 0;
    /** A fresh key and body per test, so tests never see each other's keys. */
    const fresh = (content = 'Say something') => ({
      key: `key-${dialect}-${++n}`,
      body: { model: 'test-gpt', messages: [{ role: 'user' as const, content: `${content} #${n}` }] },
    });
    const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
    const post = (apiKey: string, key: string, payload: unknown, url = '/v1/chat/completions') =>
      kit.t.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': key },
        payload: payload as Record<string, unknown>,
      });
    const rowsOf = async (userId: string) => (await kit.usageRows()).filter((r) => r.user_id === userId);

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        listen: true,
        settings: { rateLimits: { apiKey: { requestsPerMinute: 1_000 } } },
      });
    });
    afterAll(() => kit?.close());
    beforeEach(() => kit.fake.reset());

    it('runs and charges a non-streamed call once, and replays it to the retry', async () => {
      const { userId, apiKey } = await kit.user();
      const { key, body } = fresh();
      const openai = client(apiKey);
      const first = await openai.chat.completions
        .create(body, { headers: { 'Idempotency-Key': key } })
        .withResponse();
      const again = await openai.chat.completions
        .create(body, { headers: { 'Idempotency-Key': key } })
        .withResponse();

      expect(kit.fake.stats.requests).toBe(1);
      const cost = costOf(body);
      expect(await kit.balance(userId)).toBe(1_000_000 - cost);
      expect(first.response.headers.get('idempotent-replayed')).toBeNull();
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.response.headers.get('x-hub-cost')).toBe('0');
      expect(again.response.headers.get('x-hub-balance')).toBe(String(unitsToCredits(1_000_000 - cost)));
      const { hub: firstHub, ...firstAnswer } = first.data as typeof first.data & { hub: unknown };
      const { hub: againHub, ...againAnswer } = again.data as typeof again.data & { hub: unknown };
      expect(againAnswer).toEqual(firstAnswer);
      expect(firstAnswer.choices[0]?.message.content).toBe(contentText(5));
      expect(againHub).toMatchObject({ cost: 0, balance: unitsToCredits(1_000_000 - cost) });
      expect(firstHub).toMatchObject({ cost: unitsToCredits(cost) });

      const rows = await rowsOf(userId);
      expect(rows.map((r) => [r.status, Number(r.cost)])).toEqual([
        ['ok', cost],
        ['replayed', 0],
      ]);
      const ledger = await kit.t.hub.services.credits.verifyLedger();
      expect(ledger.ok).toBe(true);
    });

    it('scopes keys per user: another user with the same key gets their own answer', async () => {
      const { key, body } = fresh();
      const alice = await kit.user();
      const bob = await kit.user();
      expect((await post(alice.apiKey, key, body)).statusCode).toBe(200);
      const other = await post(bob.apiKey, key, { ...body, temperature: 0 });
      expect(other.statusCode).toBe(200);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      expect(kit.fake.stats.requests).toBe(2);
      expect(await kit.balance(bob.userId)).toBeLessThan(1_000_000);
    });

    it('replays a streamed call as the same stream, charging nothing, and as JSON when asked', async () => {
      const { userId, apiKey } = await kit.user();
      const { key, body } = fresh('Stream to me');
      const openai = client(apiKey);
      const read = async () => {
        const { data: stream, response } = await openai.chat.completions
          .create({ ...body, stream: true }, { headers: { 'Idempotency-Key': key } })
          .withResponse();
        let text = '';
        let last: OpenAI.ChatCompletionChunk | undefined;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          last = chunk;
        }
        const hub = (last as unknown as { hub: { cost: number; balance: number } }).hub;
        return { text, hub, usage: last?.usage, replayed: response.headers.get('idempotent-replayed') };
      };
      const first = await read();
      const again = await read();
      const cost = costOf(body);
      expect(first).toMatchObject({
        text: contentText(5),
        replayed: null,
        hub: { cost: unitsToCredits(cost) },
      });
      expect(again).toMatchObject({ text: contentText(5), replayed: 'true', hub: { cost: 0 } });
      expect(again.hub.balance).toBe(unitsToCredits(1_000_000 - cost));
      expect(again.usage).toEqual(first.usage);

      const plain = await post(apiKey, key, body);
      expect(plain.statusCode).toBe(200);
      expect(plain.headers['idempotent-replayed']).toBe('true');
      expect(plain.json().choices[0]).toMatchObject({
        message: { role: 'assistant', content: contentText(5) },
        finish_reason: 'stop',
      });

      expect(kit.fake.stats.requests).toBe(1);
      expect(await kit.balance(userId)).toBe(1_000_000 - cost);
      expect((await rowsOf(userId)).map((r) => r.status)).toEqual(['ok', 'replayed', 'replayed']);
    });

    it('replays a streamed tool call with its arguments joined', async () => {
      const { apiKey } = await kit.user();
      const { key, body } = fresh('Weather in Paris?');
      const tools = [
        { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
      ];
      kit.fake.script({ toolCall: { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_fixed' } });
      const openai = client(apiKey);
      const stream = await openai.chat.completions.create(
        { ...body, tools, stream: true },
        { headers: { 'Idempotency-Key': key } },
      );
      for await (const _ of stream);
      const replay = await post(apiKey, key, { ...body, tools });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json().choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: {
          tool_calls: [
            {
              id: 'call_fixed',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
      });
      expect(kit.fake.stats.requests).toBe(1);
    });

    it('refuses the key with another request body (422) without calling the upstream', async () => {
      const { apiKey } = await kit.user();
      const { key, body } = fresh();
      expect((await post(apiKey, key, body)).statusCode).toBe(200);
      const reused = await post(apiKey, key, {
        ...body,
        messages: [{ role: 'user', content: 'Something else' }],
      });
      expect(reused.statusCode).toBe(422);
      expect(reused.json().error).toMatchObject({
        code: 'idempotency_key_reused',
        message: 'This Idempotency-Key was used with a different request body',
      });
      expect(kit.fake.stats.requests).toBe(1);
    });

    it('answers 409 with Retry-After to a duplicate while the first call runs, then replays', async () => {
      const { userId, apiKey } = await kit.user();
      const { key, body } = fresh();
      kit.fake.script({ chunkDelayMs: 100 });
      const first = post(apiKey, key, body);
      await eventually(async () => kit.fake.stats.requests === 1);
      const duplicate = await post(apiKey, key, body);
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.headers['retry-after']).toBe('1');
      expect(duplicate.json().error).toMatchObject({
        code: 'conflict',
        message: 'A request with this Idempotency-Key is still in progress',
      });
      expect((await first).statusCode).toBe(200);
      const after = await post(apiKey, key, body);
      expect(after.headers['idempotent-replayed']).toBe('true');
      expect(kit.fake.stats.requests).toBe(1);
      expect(await kit.balance(userId)).toBe(1_000_000 - costOf(body));
    });

    it('frees the key when the call fails upstream, so the retry runs and is charged once', async () => {
      const { userId, apiKey } = await kit.user();
      const { key, body } = fresh();
      for (let i = 0; i < 3; i++) kit.fake.script({ status: 500 });
      const failed = await post(apiKey, key, body);
      expect(failed.statusCode).toBeGreaterThanOrEqual(500);
      expect(kit.fake.stats.requests).toBe(3);
      expect(await kit.balance(userId)).toBe(1_000_000);

      const retried = await post(apiKey, key, body);
      expect(retried.statusCode).toBe(200);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(kit.fake.stats.requests).toBe(4);
      expect(await kit.balance(userId)).toBe(1_000_000 - costOf(body));
    });

    it('frees the key when a stream fails mid-way, so the retry runs afresh', async () => {
      const { apiKey } = await kit.user();
      const { key, body } = fresh();
      kit.fake.script({ chunks: 10, failAfterChunks: 3 });
      const broken = await post(apiKey, key, { ...body, stream: true });
      expect(broken.body).toMatch(/failed mid-stream/);
      const retried = await post(apiKey, key, { ...body, stream: true });
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(retried.body).toContain('"hub"');
      expect(kit.fake.stats.requests).toBe(2);
      expect((await post(apiKey, key, body)).headers['idempotent-replayed']).toBe('true');
    });

    it('frees the key when the client leaves a stream early, so the retry runs afresh', async () => {
      const { apiKey } = await kit.user();
      const { key, body } = fresh();
      kit.fake.script({ chunks: 20, chunkDelayMs: 30 });
      const controller = new AbortController();
      const response = await fetch(`${kit.t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({ ...body, stream: true }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      let seen = '';
      while (!seen.includes('"content":"word1'))
        seen += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      await kit.fake.waitForAbort();
      await eventually(async () => (await kit.openHolds()) === 0);
      await eventually(async () => (await post(apiKey, key, body)).statusCode === 200);
      expect(kit.fake.stats.requests).toBe(2);
      expect((await post(apiKey, key, body)).headers['idempotent-replayed']).toBe('true');
    });

    it('charges once when the SDK retries after losing the answer', async () => {
      const { userId, apiKey } = await kit.user();
      const { body } = fresh();
      let attempts = 0;
      const keys: Array<string | null> = [];
      // The first answer arrives at the hub's side of the wire, then the connection "drops".
      const dropFirst: typeof fetch = async (input, init) => {
        keys.push(new Headers(init?.headers).get('idempotency-key'));
        const response = await fetch(input, init);
        if (attempts++ === 0) {
          await response.text();
          throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        }
        return response;
      };
      const sdk = new HubClient({ baseURL: kit.t.url, apiKey, fetch: dropFirst, maxRetries: 2 });
      const answer = await sdk.chat.completions.create(body);
      expect(attempts).toBe(2);
      expect(keys[0]).toBeTruthy();
      expect(keys[1]).toBe(keys[0]);
      expect(answer.choices[0]?.message.content).toBe(contentText(5));
      expect(answer.hub?.cost).toBe(0);
      expect(kit.fake.stats.requests).toBe(1);
      expect(await kit.balance(userId)).toBe(1_000_000 - costOf(body));
    });

    it('honours the key on /v1/messages too', async () => {
      const { userId, apiKey } = await kit.user();
      const { key } = fresh();
      const body = { model: 'test-gpt', max_tokens: 50, messages: [{ role: 'user', content: 'Hi there' }] };
      const first = await post(apiKey, key, body, '/v1/messages');
      const again = await post(apiKey, key, body, '/v1/messages');
      expect(first.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['x-hub-cost']).toBe('0');
      expect(again.json().content).toEqual(first.json().content);
      const streamed = await post(apiKey, key, { ...body, stream: true }, '/v1/messages');
      expect(streamed.headers['idempotent-replayed']).toBe('true');
      expect(streamed.body).toContain('message_stop');
      expect(kit.fake.stats.requests).toBe(1);
      expect((await rowsOf(userId)).map((r) => r.status)).toEqual(['ok', 'replayed', 'replayed']);
    });

    it('rejects a malformed key with 400', async () => {
      const { apiKey } = await kit.user();
      const { body } = fresh();
      const res = await post(apiKey, 'k'.repeat(256), body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/Idempotency-Key must be 1 to 255 printable ASCII characters/);
      const anthropic = await post(apiKey, '', { ...body, max_tokens: 5 }, '/v1/messages');
      expect(anthropic.statusCode).toBe(400);
      expect(kit.fake.stats.requests).toBe(0);
    });

    it('leaves the ledger consistent and no hold open', async () => {
      await eventually(async () => (await kit.openHolds()) === 0);
      const ledger = await kit.t.hub.services.credits.verifyLedger();
      expect(ledger).toMatchObject({
        ok: true,
        mismatches: [],
        unbalancedTransactions: [],
        unpostedHolds: [],
      });
    });
  });
}
