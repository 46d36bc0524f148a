import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentText } from '../../../../test/fakes/index.js';
import {
  chatOverHttp,
  createUpstreamFaultKit,
  PROVIDER_KINDS,
  type UpstreamFaultKit,
} from '../../../../test/support/upstream-fault-kit.js';
import { creditsToUnits } from '../../credits/money.js';
import { GATEWAY_SETUPS, TEST_PRICES } from '../models-test-kit.js';
import { UpstreamDeadline } from './upstream-deadline.js';
import { UpstreamError } from './upstream-error.js';

/**
 * A deployment's `timeoutMs` bounds the whole upstream call, not each silence: an upstream that
 * sends a byte every 50 ms, and never its end, is cut at the deadline. The client gets a timeout
 * (504 before the first byte; an `upstream_timeout` event mid-stream), the upstream request is
 * closed, the hold is settled for what was delivered or released, and nothing outlives it.
 */
const TIMEOUT_MS = 400;
const GRANT = creditsToUnits(10);

describe('UpstreamDeadline', () => {
  it("aborts with a timeout once the time is up, and maps the call's failure to it", async () => {
    const deadline = new UpstreamDeadline(new AbortController().signal, 30);
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve, { once: true }));
    expect(deadline.expired).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(UpstreamError);
    expect(deadline.settle(new Error('socket closed'))).toMatchObject({ timeout: true, status: undefined });
    deadline.clear();
  });

  it("passes the caller's abort on with its reason, and is then no timeout", () => {
    const caller = new AbortController();
    const deadline = new UpstreamDeadline(caller.signal, 60_000);
    const reason = new Error('client gone');
    caller.abort(reason);
    expect(deadline.signal.reason).toBe(reason);
    expect(deadline.expired).toBe(false);
    expect(deadline.settle(reason)).toBe(reason);
    deadline.clear();
  });

  it('takes a deadline longer than a timer can hold as no deadline, not as an immediate one', async () => {
    const deadline = new UpstreamDeadline(new AbortController().signal, 5_000_000_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(deadline.signal.aborted).toBe(false);
    deadline.clear();
  });
});

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`the deadline of an upstream call on ${dialect} + ${coordination}`, () => {
    let kit: UpstreamFaultKit;
    let user: { userId: string; apiKey: string };

    beforeAll(async () => {
      kit = await createUpstreamFaultKit(dialect, coordination, {
        timeoutMs: TIMEOUT_MS,
        extraModels: [
          {
            id: 'slow-mock',
            ...TEST_PRICES,
            maxOutputTokens: 100,
            deployments: [
              {
                id: 'slow-mock',
                provider: 'mock',
                timeoutMs: TIMEOUT_MS,
                mock: { words: 100, chunkDelayMs: 50 },
              },
            ],
          },
        ],
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

    /** The one usage row: a timeout, charged as the client was served, the balance moved by it. */
    async function expectTimedOut(model: string, delivered: string) {
      const row = await kit.usageRowOf(user.userId);
      expect(row).toMatchObject({ status: 'error', error_code: 'upstream_timeout' });
      const output = Number(row.output_tokens);
      if (delivered) {
        expect(output).toBeGreaterThan(0);
        expect(output).toBeLessThanOrEqual(delivered.length);
        expect(Number(row.cost)).toBe(kit.costOf(model, Number(row.input_tokens), output));
      } else {
        expect(Number(row.cost)).toBe(0);
      }
      expect(await kit.balance(user.userId)).toBe(GRANT - Number(row.cost));
    }

    describe.each(PROVIDER_KINDS)('$provider', (kind) => {
      const model = `fault-${kind.provider}`;
      beforeEach(async () => {
        const upstream = kit.upstreamOf(kind);
        await upstream.idle();
        upstream.reset();
      });

      it('cuts a stream that trickles forever after two words: an upstream_timeout event, two words charged', async () => {
        const upstream = kit.upstreamOf(kind);
        upstream.script({ chunks: 20, interrupt: { afterChunks: 2, ending: 'trickle', trickleMs: 50 } });
        const closed = upstream.waitForAbort(10_000);
        const started = Date.now();
        const outcome = await chatOverHttp(kit, user.apiKey, model, { stream: true });
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
        expect(outcome).toMatchObject({ status: 200, done: false, text: contentText(2) });
        expect(outcome.error).toMatchObject({ code: 'upstream_timeout' });
        await closed;
        await expectTimedOut(model, outcome.text);
      });

      it('cuts a non-streamed answer whose body trickles forever: 504, nothing charged', async () => {
        const upstream = kit.upstreamOf(kind);
        upstream.script({ interrupt: { text: '{"id": "msg_1",', ending: 'trickle', trickleMs: 50 } });
        const closed = upstream.waitForAbort(10_000);
        const started = Date.now();
        const outcome = await chatOverHttp(kit, user.apiKey, model, { stream: false });
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
        expect(outcome.status).toBe(504);
        expect(outcome.error).toMatchObject({ code: 'upstream_timeout' });
        await closed;
        await expectTimedOut(model, '');
      });
    });

    describe('mock', () => {
      it('cuts a paced stream that would outlast the deadline', async () => {
        const started = Date.now();
        const outcome = await chatOverHttp(kit, user.apiKey, 'slow-mock', { stream: true });
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
        expect(outcome).toMatchObject({ status: 200, done: false });
        expect(outcome.error).toMatchObject({ code: 'upstream_timeout' });
        expect(outcome.text.length).toBeGreaterThan(0);
        await expectTimedOut('slow-mock', outcome.text);
      });

      it('cuts a paced answer that would outlast the deadline: 504', async () => {
        const outcome = await chatOverHttp(kit, user.apiKey, 'slow-mock', { stream: false });
        expect(outcome.status).toBe(504);
        expect(outcome.error).toMatchObject({ code: 'upstream_timeout' });
        await expectTimedOut('slow-mock', '');
      });
    });
  });
}
