import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '../../server/test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../server/test/support/test-hub.js';
import { HubClient, InsufficientCreditsError, memoryTokenStore, RateLimitError } from '../src/index.js';

const messages = [{ role: 'user' as const, content: 'Say something' }];
/** A slow mock model, to leave a stream half-way. */
const slowModel = {
  id: 'mock-slow',
  aliases: [],
  inputPrice: 1,
  outputPrice: 1,
  cachePrice: 0,
  contextWindow: 32_000,
  maxOutputTokens: 4_096,
  cache: false,
  deployments: [{ id: 'mock-slow', provider: 'mock', mock: { words: 400, chunkDelayMs: 5 } }],
};

for (const dialect of await testDialects()) {
  describe(`the SDK against a real hub (${dialect})`, () => {
    let t: TestHub & { url: string };
    let admin: HubClient;
    beforeAll(async () => {
      t = await createTestHub({
        dialect,
        listen: true,
        models: {
          models: [slowModel],
          includeDefaults: true,
          rateLimits: { apiKey: { requestsPerMinute: 5 } },
        },
      });
      admin = new HubClient({ baseURL: t.url, apiKey: (await createUser(t, { role: 'admin' })).apiKey });
    });
    afterAll(() => t?.close());

    /** A new user signed in through the SDK, with an API key client and `credits` granted. */
    async function newUser(credits: number) {
      const user = new HubClient({ baseURL: t.url, auth: { tokenStore: memoryTokenStore() } });
      const session = await user.auth.register({
        email: `j-${Math.random().toString(36).slice(2)}@example.test`,
        password: 'journey passphrase 7',
      });
      const { key } = await user.apiKeys.create({ name: 'journey' });
      if (credits > 0)
        await admin.admin.users.grantCredits(session.user.id, { amount: credits, reason: 'test top-up' });
      return { user, app: new HubClient({ baseURL: t.url, apiKey: key, maxRetries: 0 }) };
    }

    it('register -> API key -> top-up -> streamed chat -> balance dropped by the cost -> usage listed', async () => {
      const { user, app } = await newUser(10);
      await expect(user.credits.balance()).resolves.toEqual({ balance: 10, held: 0, available: 10 });

      const stream = app.chat.completions.stream({ model: 'mock', messages });
      let text = '';
      for await (const delta of stream.textDeltas()) text += delta;
      const final = await stream.finalMessage();
      expect(text.length).toBeGreaterThan(0);
      expect(final.message.content).toBe(text);
      expect(final.usage?.completion_tokens).toBeGreaterThan(0);
      expect(final.hub?.cost).toBeGreaterThan(0);

      const balance = await user.credits.balance();
      expect(balance.balance).toBeCloseTo(10 - final.hub!.cost, 10);
      expect(balance).toMatchObject({ held: 0, balance: final.hub!.balance });

      const usage = await user.usage.get();
      expect(usage.data).toEqual([
        expect.objectContaining({
          model: 'mock-small',
          requests: 1,
          outputTokens: final.usage!.completion_tokens,
          cost: final.hub!.cost,
        }),
      ]);
      const kinds = (await user.credits.transactions({ limit: 1 }).toArray()).map((tx) => tx.amount);
      expect(kinds).toHaveLength(2);
      expect(kinds).toContain(10);
      expect(kinds).toContain(-final.hub!.cost);
    });

    it('a non-streamed completion carries the charge, and a grant retried with its key is applied once', async () => {
      const { user, app } = await newUser(0);
      const me = await user.me.get();
      const key = `grant-${me.id}`;
      await admin.admin.users.grantCredits(me.id, { amount: 3 }, { idempotencyKey: key });
      await admin.admin.users.grantCredits(me.id, { amount: 3 }, { idempotencyKey: key });
      expect((await user.credits.balance()).balance).toBe(3);

      const completion = await app.chat.completions.create({ model: 'mock', messages });
      expect(completion.choices[0]?.message.content).toBeTruthy();
      expect((await user.credits.balance()).balance).toBeCloseTo(
        3 - (completion.hub?.cost ?? Number.NaN),
        10,
      );
    });

    it('answers 402 with InsufficientCreditsError when the balance cannot cover the request', async () => {
      const { app } = await newUser(0);
      const error = await app.chat.completions.create({ model: 'mock', messages }).catch((e) => e);
      expect(error).toBeInstanceOf(InsufficientCreditsError);
      expect(error).toMatchObject({
        status: 402,
        code: 'insufficient_credits',
        requestId: expect.any(String),
      });
      const streamed = await app.chat.completions
        .stream({ model: 'mock', messages })
        .finalMessage()
        .catch((e) => e);
      expect(streamed).toBeInstanceOf(InsufficientCreditsError);
    });

    it('answers 429 with RateLimitError and its retryAfter past the key’s limit', async () => {
      const { app } = await newUser(5);
      const calls = Array.from({ length: 6 }, () =>
        app.chat.completions.create({ model: 'mock', messages }).then(
          () => null,
          (e) => e,
        ),
      );
      const errors = (await Promise.all(calls)).filter(Boolean);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(RateLimitError);
      expect(errors[0]).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(errors[0].retryAfter).toBeGreaterThan(0);
    });

    it('aborts mid-stream: the hub stops, charges what was produced and releases the rest', async () => {
      const { user, app } = await newUser(5);
      const stream = await app.chat.completions.create({ model: 'mock-slow', messages, stream: true });
      let chunks = 0;
      for await (const _ of stream) if (++chunks === 3) break;
      await vi.waitFor(async () => expect((await user.credits.balance()).held).toBe(0), { timeout: 10_000 });
      const usage = await user.usage.get();
      const row = usage.data.find((b) => b.model === 'mock-slow')!;
      expect(row.outputTokens).toBeLessThan(400);
      expect((await user.credits.balance()).balance).toBeCloseTo(5 - row.cost, 10);

      const controller = new AbortController();
      const viaSignal = await app.chat.completions.create(
        { model: 'mock-slow', messages, stream: true },
        { signal: controller.signal },
      );
      const seen = await (async () => {
        let n = 0;
        for await (const _ of viaSignal) if (++n === 2) controller.abort();
        return n;
      })().catch((e) => e);
      expect(seen).toMatchObject({ name: 'APIUserAbortError' });
    });
  });
}
