import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentText } from '../../../../test/fakes/index.js';
import { createResponsesKit, type ResponsesKit } from '../../../../test/support/responses-kit.js';
import { hubOutputCount } from '../../../../test/support/token-oracle.js';
import { PROVIDER_KINDS } from '../../../../test/support/upstream-fault-kit.js';
import { creditsToUnits } from '../../credits/money.js';
import { eventually, GATEWAY_SETUPS } from '../models-test-kit.js';

const GRANT = creditsToUnits(10);

type Event = { type: string; sequence_number: number; [field: string]: unknown };

/**
 * The Responses API when the upstream fails or the client leaves, as for chat: an upstream that
 * fails after the first byte ends the stream on `error` and `response.failed` (charged what was
 * delivered); one that fails before it is an error status (charged nothing); a client that leaves
 * mid-stream closes the upstream and pays what was produced. No hold is left open.
 */
for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`POST /v1/responses faults (${dialect} + ${coordination})`, () => {
    let kit: ResponsesKit;
    let user: { userId: string; apiKey: string };
    let client: OpenAI;

    beforeAll(async () => {
      kit = await createResponsesKit(dialect, coordination);
    });
    afterAll(() => kit?.close());

    describe.each(PROVIDER_KINDS)('$provider', (kind) => {
      const model = `fault-${kind.provider}`;
      const upstream = () => kit.upstreamOf(kind);

      beforeEach(async () => {
        await upstream().idle();
        upstream().reset();
        user = await kit.user({ units: GRANT });
        client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
      });

      /** The one usage row, `status`/`code`, charged exactly its tokens; the balance paid it; no hold left. */
      async function expectCharged(status: string, code: string | null, outputTokens: number) {
        const row = await kit.usageRowOf(user.userId);
        expect(row).toMatchObject({ endpoint: '/v1/responses', status, error_code: code });
        expect(Number(row.output_tokens)).toBe(outputTokens);
        const cost = kit.costOf(model, Number(row.input_tokens), outputTokens);
        expect(Number(row.cost)).toBe(cost);
        await eventually(async () => (await kit.balance(user.userId)) === GRANT - cost);
        await eventually(async () => (await kit.openHolds()) === 0);
        return cost;
      }

      it('an upstream failing mid-stream ends it on error and response.failed, charged what was delivered', async () => {
        upstream().script({
          chunks: 20,
          interrupt: { afterChunks: 2, text: kind.errorEvent('The generation failed') },
        });
        const events: Event[] = [];
        const stream = await client.responses.create({ model, input: 'Tell me something', stream: true });
        for await (const event of stream) events.push(event as Event);
        let text = '';
        for (const e of events) if (e.type === 'response.output_text.delta') text += e.delta as string;
        expect(text).toBe(contentText(2));
        expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
        const [error, failed] = events.slice(-2) as [Event, Event & { response: Record<string, unknown> }];
        expect(error).toMatchObject({ type: 'error', code: 'upstream_error' });
        expect(failed.type).toBe('response.failed');
        expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'upstream_error' } });
        // No usage came: the hub counted what it delivered (o200k).
        const cost = await expectCharged('error', 'upstream_error', hubOutputCount(contentText(2)));
        expect(creditsToUnits((failed.response.hub as { cost: number }).cost)).toBe(cost);
        // Kept as it ended.
        const stored = await client.responses.retrieve(failed.response.id as string);
        expect(stored.status).toBe('failed');
        expect(stored.output_text).toBe(contentText(2));
      });

      it('an upstream failing before the first byte is an error status in OpenAI shape, charged nothing', async () => {
        upstream().script({ status: 500 });
        const error = await client.responses
          .create({ model, input: 'Tell me something', stream: true })
          .catch((e) => e);
        expect(error).toBeInstanceOf(OpenAI.APIError);
        expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
        await expectCharged('error', 'upstream_error', 0);
        expect(await kit.balance(user.userId)).toBe(GRANT);
      });

      it('a client leaving mid-stream closes the upstream and pays what was produced', async () => {
        upstream().script({ chunks: 20, hangAfterChunks: 3 });
        const controller = new AbortController();
        const stream = await client.responses.create(
          { model, input: 'Tell me something', stream: true },
          { signal: controller.signal },
        );
        let deltas = 0;
        let id = '';
        try {
          for await (const event of stream) {
            if (event.type === 'response.created') id = event.response.id;
            if (event.type === 'response.output_text.delta' && ++deltas === 3) controller.abort();
          }
        } catch {
          // The client's own abort.
        }
        await upstream().waitForAbort();
        await expectCharged('cancelled', 'client_closed', hubOutputCount(contentText(3)));
        const stored = await client.responses.retrieve(id);
        expect(stored.status).toBe('cancelled');
        expect(stored.output_text).toBe(contentText(3));
      });
    });

    it('a request past the balance is a 402 before any upstream call', async () => {
      user = await kit.user({ units: 1 });
      client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
      kit.openai.reset();
      const error = await client.responses
        .create({ model: 'fault-openai', input: 'x'.repeat(10_000), max_output_tokens: 100 })
        .catch((e) => e);
      expect(error).toMatchObject({ status: 402, code: 'insufficient_credits' });
      expect(kit.openai.stats.requests).toBe(0);
      expect(await kit.usageRowOf(user.userId)).toMatchObject({
        endpoint: '/v1/responses',
        status: 'rejected',
      });
    });
  });
}
