import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatOverHttp } from '../../../../test/support/upstream-fault-kit.js';
import { creditsToUnits } from '../../credits/money.js';
import { createGatewayKit, GATEWAY_SETUPS, type GatewayKit, TEST_PRICES } from '../models-test-kit.js';
import { guardedProvider } from './guarded-provider.js';
import type { ProviderFactory } from './provider.js';

const TIMEOUT_MS = 300;
const GRANT = creditsToUnits(10);

const chunk = (delta: ChatCompletionChunk['choices'][number]['delta']): ChatCompletionChunk => ({
  id: 'chatcmpl-custom',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'custom',
  choices: [{ index: 0, delta, finish_reason: null }],
});

/** Custom providers that break the contract, each in one way, none listening to its signal. */
const MISBEHAVING: Record<string, ProviderFactory> = {
  /** Never answers, and ignores the signal. */
  silent: () => ({
    complete: () => new Promise(() => {}),
    async stream() {
      return (async function* () {
        yield chunk({ role: 'assistant', content: 'Hi' });
        await new Promise(() => {});
      })();
    },
  }),
  /** Answers what is no completion, and streams an answer that just stops. */
  sloppy: () => ({
    complete: async () => 'OK' as never,
    async stream() {
      return (async function* () {
        yield chunk({ role: 'assistant', content: 'Hi' });
        yield chunk({ content: ' there' });
      })();
    },
  }),
};

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`a guarded custom provider on ${dialect} + ${coordination}`, () => {
    let kit: GatewayKit;
    let user: { userId: string; apiKey: string };

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        listen: true,
        providers: Object.fromEntries(
          Object.entries(MISBEHAVING).map(([name, factory]) => [name, guardedProvider(factory)]),
        ),
        extraModels: Object.keys(MISBEHAVING).map((name) => ({
          id: name,
          ...TEST_PRICES,
          maxOutputTokens: 100,
          deployments: [{ id: name, provider: name, timeoutMs: TIMEOUT_MS }],
        })),
        settings: { retry: { maxRetries: 0 }, circuitBreaker: { failureThreshold: 1_000_000 } },
      });
    });
    afterAll(async () => {
      await kit?.close();
    });
    beforeEach(async () => {
      user = await kit.user({ units: GRANT });
    });
    afterEach(async () => {
      expect(await kit.openHolds()).toBe(0);
    });

    it('ends a call the provider never answers at the deadline: 504, nothing charged', async () => {
      const started = Date.now();
      const outcome = await chatOverHttp(kit, user.apiKey, 'silent', { stream: false });
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(outcome.status).toBe(504);
      expect(outcome.error?.code).toBe('upstream_timeout');
      expect(await kit.balance(user.userId)).toBe(GRANT);
    });

    it('ends a stream the provider stops feeding at the deadline: an upstream_timeout event', async () => {
      const outcome = await chatOverHttp(kit, user.apiKey, 'silent', { stream: true });
      expect(outcome).toMatchObject({ status: 200, done: false, text: 'Hi' });
      expect(outcome.error?.code).toBe('upstream_timeout');
      const row = await kit.usageRowOf(user.userId);
      expect(row).toMatchObject({ status: 'error', error_code: 'upstream_timeout' });
    });

    it('turns an answer that is no completion into a 502, and a stream that just stops into an error', async () => {
      const unary = await chatOverHttp(kit, user.apiKey, 'sloppy', { stream: false });
      expect(unary.status).toBe(502);
      expect(unary.error?.code).toBe('upstream_error');
      const streamed = await chatOverHttp(kit, user.apiKey, 'sloppy', { stream: true });
      expect(streamed).toMatchObject({ status: 200, done: false, text: 'Hi there' });
      expect(streamed.error?.code).toBe('upstream_error');
    });
  });
}
