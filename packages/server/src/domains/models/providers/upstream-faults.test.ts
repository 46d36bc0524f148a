import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentText, type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/index.js';
import {
  type ChatOutcome,
  chatOverHttp,
  createUpstreamFaultKit,
  PROVIDER_KINDS,
  type ProviderKind,
  type UpstreamFaultKit,
} from '../../../../test/support/upstream-fault-kit.js';
import { creditsToUnits } from '../../credits/money.js';
import { eventually, GATEWAY_SETUPS, TEST_PRICES } from '../models-test-kit.js';

/**
 * What an upstream can do wrong, done by each provider kind's upstream to a hub over HTTP: each
 * fault ends its one request with a clear error (an SSE `error` event once the stream began, an
 * error status before), leaves no hold open, charges only what reached the client, and the hub
 * goes on serving.
 */
const GRANT = creditsToUnits(10);

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`upstream faults on ${dialect} + ${coordination}`, () => {
    let kit: UpstreamFaultKit;
    let bystanders: FakeOpenAI;
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);

    beforeAll(async () => {
      process.on('uncaughtException', record);
      process.on('unhandledRejection', record);
      bystanders = await startFakeOpenAI({ chunks: 10, chunkDelayMs: 40 });
      kit = await createUpstreamFaultKit(dialect, coordination, {
        extraModels: [
          {
            id: 'bystander',
            ...TEST_PRICES,
            maxOutputTokens: 100,
            deployments: [
              {
                id: 'bystander',
                provider: 'openai-compatible',
                model: 'gpt-4o-mini',
                baseURL: bystanders.baseURL,
                apiKey: bystanders.apiKey ?? undefined,
              },
            ],
          },
        ],
      });
    });
    afterAll(async () => {
      await kit?.close();
      await bystanders?.close();
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    });

    describe.each(PROVIDER_KINDS)('$provider', (kind) => {
      let user: { userId: string; apiKey: string };
      const model = `fault-${kind.provider}`;

      beforeEach(async () => {
        const upstream = kit.upstreamOf(kind);
        await upstream.idle();
        upstream.reset();
        user = await kit.user({ units: GRANT });
      });

      // The process heard nothing: what crashed it was an 'error' no one listened to.
      afterEach(() => {
        expect(uncaught).toEqual([]);
      });

      const chat = (stream: boolean) => chatOverHttp(kit, user.apiKey, model, { stream });

      /** The request ended with `code`, was charged for what the client got, and no hold is left. */
      async function expectCharged(outcome: ChatOutcome, code: string) {
        const row = await kit.usageRowOf(user.userId);
        expect(row).toMatchObject({ status: 'error', error_code: code });
        const input = Number(row.input_tokens);
        const output = Number(row.output_tokens);
        if (outcome.text) {
          // What was delivered, never the whole answer nor the hold: at most a token a character.
          expect(output).toBeGreaterThan(0);
          expect(output).toBeLessThanOrEqual(outcome.text.length);
        } else {
          expect(output).toBe(0);
        }
        expect(Number(row.cost)).toBe(outcome.text ? kit.costOf(model, input, output) : 0);
        expect(await kit.balance(user.userId)).toBe(GRANT - Number(row.cost));
        expect(await kit.openHolds()).toBe(0);
      }

      /** The hub still answers on the same deployment, in full. */
      async function expectServing() {
        const healthy = await chat(true);
        expect(healthy).toMatchObject({ status: 200, done: true, text: contentText(5) });
        expect(healthy.error).toBeUndefined();
      }

      /** A stream that failed after two words: an `error` event after them, and no `[DONE]`. */
      function expectFailedMidStream(outcome: ChatOutcome) {
        expect(outcome.status).toBe(200);
        expect(outcome.text).toBe(contentText(2));
        expect(outcome.done).toBe(false);
        expect(outcome.error).toMatchObject({
          code: 'upstream_error',
          message: expect.stringContaining('failed mid-stream'),
        });
      }

      /** A request that failed before its first byte: an error status, nothing charged. */
      function expectFailedBeforeAnswer(outcome: ChatOutcome) {
        expect(outcome.status).toBe(502);
        expect(outcome.error).toMatchObject({ code: 'upstream_error' });
        expect(outcome.chunks).toEqual([]);
      }

      it('an error event mid-stream (the event that ended the process) ends the one stream', async () => {
        kit.upstreamOf(kind).script({
          chunks: 20,
          interrupt: { afterChunks: 2, text: kind.errorEvent('The generation failed') },
        });
        const outcome = await chat(true);
        expectFailedMidStream(outcome);
        await expectCharged(outcome, 'upstream_error');
        await expectServing();
      });

      it('an event that is not JSON ends the one stream', async () => {
        kit.upstreamOf(kind).script({ chunks: 20, interrupt: { afterChunks: 2, text: kind.nonJsonEvent } });
        const outcome = await chat(true);
        expectFailedMidStream(outcome);
        await expectCharged(outcome, 'upstream_error');
        await expectServing();
      });

      it('a stream cut short (no finish, no [DONE] or message_stop) is an error, not an answer', async () => {
        kit.upstreamOf(kind).script({ chunks: 20, interrupt: { afterChunks: 2 } });
        const outcome = await chat(true);
        expectFailedMidStream(outcome);
        await expectCharged(outcome, 'upstream_error');
        await expectServing();
      });

      it('a connection reset mid-stream ends the one stream', async () => {
        kit.upstreamOf(kind).script({ chunks: 20, failAfterChunks: 2 });
        const outcome = await chat(true);
        expectFailedMidStream(outcome);
        await expectCharged(outcome, 'upstream_error');
        await expectServing();
      });

      it.each([
        ['application/json', JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] })],
        ['text/html; charset=utf-8', '<html><body>502 Bad Gateway</body></html>'],
        ['text/plain', 'Service temporarily unavailable'],
      ])(
        'a 200 with a %s body to a streamed request is an error status, charged nothing',
        async (contentType, body) => {
          kit.upstreamOf(kind).script({ body, contentType });
          const outcome = await chat(true);
          expectFailedBeforeAnswer(outcome);
          await expectCharged(outcome, 'upstream_error');
          await expectServing();
        },
      );

      it.each([
        ['half a JSON body', { body: '{"id": "chatcmpl-1", "choi', contentType: 'application/json' }],
        ['an HTML page', { body: '<html>captive portal</html>', contentType: 'text/html' }],
        [
          'JSON that is no answer',
          { body: '{"object": "list", "data": []}', contentType: 'application/json' },
        ],
        ['a reset mid-body', { interrupt: { text: '{"id": "chatcmpl-1", ', ending: 'reset' as const } }],
      ])('a non-streamed 200 with %s is an error status, charged nothing', async (_name, behaviour) => {
        kit.upstreamOf(kind).script(behaviour);
        const outcome = await chat(false);
        expectFailedBeforeAnswer(outcome);
        await expectCharged(outcome, 'upstream_error');
        await expectServing();
      });
    });

    it('ten streams in flight all finish, in full, while two others are poisoned', async () => {
      const compatible = PROVIDER_KINDS.find((k) => k.provider === 'openai-compatible') as ProviderKind;
      const poisoner = kit.upstreamOf(compatible);
      await poisoner.idle();
      poisoner.reset();
      bystanders.reset();
      const users = await Promise.all(Array.from({ length: 12 }, () => kit.user({ units: GRANT })));
      const healthy = users
        .slice(0, 10)
        .map((u) => chatOverHttp(kit, u.apiKey, 'bystander', { stream: true }));
      // Every bystander is streaming before the poison goes out.
      await eventually(async () => bystanders.stats.requests === 10);
      // What vLLM and OpenRouter send when a generation fails, and a line that is not JSON, each
      // as the last bytes of the body (what ended the process).
      poisoner.script(
        { chunks: 20, interrupt: { afterChunks: 1, text: compatible.errorEvent('The generation failed') } },
        { chunks: 20, interrupt: { afterChunks: 1, text: compatible.nonJsonEvent } },
      );
      const poisoned = await Promise.all(
        users.slice(10).map((u) => chatOverHttp(kit, u.apiKey, 'fault-openai-compatible', { stream: true })),
      );
      for (const outcome of poisoned) {
        expect(outcome).toMatchObject({ status: 200, done: false, text: contentText(1) });
        expect(outcome.error?.code).toBe('upstream_error');
      }
      for (const outcome of await Promise.all(healthy)) {
        expect(outcome).toMatchObject({ status: 200, done: true, text: contentText(10) });
        expect(outcome.error).toBeUndefined();
      }
      await eventually(async () => (await kit.openHolds()) === 0);
      expect(uncaught).toEqual([]);
    });

    it('no fault reached the process as an uncaught error', () => {
      expect(uncaught).toEqual([]);
    });
  });
}
