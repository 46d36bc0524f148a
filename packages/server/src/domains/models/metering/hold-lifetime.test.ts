import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { expectedOpenAIUsage, type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/index.js';
import { createUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { loadConfig } from '../../../config/load-config.js';
import { buildHubApp } from '../../../hub/build-app.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { type Principal, principalFor } from '../../auth/principal.js';
import { creditsToUnits } from '../../credits/money.js';
import { costOf } from '../catalog/model-catalog.js';
import { gatewayDepsOf } from '../gateway/gateway-deps.js';
import { eventually, GATEWAY_SETUPS } from '../models-test-kit.js';
import { Meter } from './meter.js';

/** Holds live 300 ms unless renewed (every 100 ms); the sweeper runs every 50 ms. */
const TTL_MS = 300;
const SWEEP_MS = 50;
/** Output tokens of the long answer: far more than the sockets between hub and client buffer. */
const LONG_ANSWER = 32_768;

const SECRET = 'test-secret-test-secret-test-secret-0123456789';

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`hold lifetime through the gateway on ${dialect} + ${coordination}`, () => {
    let t: TestHub & { url: string };
    let fake: FakeOpenAI;

    beforeAll(async () => {
      fake = await startFakeOpenAI();
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        holdTimings: { ttlMs: TTL_MS, sweepIntervalMs: SWEEP_MS },
        env: { HUB_SECRET: SECRET },
        models: {
          models: [
            {
              id: 'long-gpt',
              inputPrice: 1,
              outputPrice: 2,
              maxOutputTokens: LONG_ANSWER,
              deployments: [
                {
                  id: 'long',
                  provider: 'openai-compatible',
                  model: 'gpt-4o-mini',
                  baseURL: fake.baseURL,
                  apiKey: fake.apiKey ?? undefined,
                },
              ],
            },
          ],
        },
      });
    });
    afterAll(async () => {
      await t?.app.close();
      await t?.database.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await t?.close();
      await fake?.close();
    });

    const credits = () => t.hub.services.credits;

    /** A user with `credits` and an API key (capped at `spendCap` credits when given), as its principal. */
    async function keyUser(grant: number, spendCap?: number) {
      const fixture = await createUser(t);
      await credits().grant({
        userId: fixture.user.id,
        amount: creditsToUnits(grant),
        idempotencyKey: `seed-${fixture.user.id}`,
      });
      const { key } = await t.hub.services.apiKeys.create(fixture.user.id, {
        name: 'capped',
        spendCap: spendCap === undefined ? null : creditsToUnits(spendCap),
      });
      return { userId: fixture.user.id, apiKey: key, principal: await principalOf(t.hub, key) };
    }

    async function holdRow(holdId: string) {
      return t.database.db
        .selectFrom('credit_holds')
        .selectAll()
        .where('id', '=', holdId)
        .executeTakeFirstOrThrow();
    }

    async function spentOf(keyId: string): Promise<number> {
      const row = await t.database.db
        .selectFrom('api_keys')
        .select('spent')
        .where('id', '=', keyId)
        .executeTakeFirstOrThrow();
      return Number(row.spent);
    }

    it('keeps the hold of a stream read slowly past HOLD_TTL alive, and charges the whole answer', async () => {
      const { userId, apiKey } = await keyUser(10);
      const before = (await credits().balance(userId)).balance;
      const body = {
        model: 'long-gpt',
        stream: true,
        messages: [{ role: 'user', content: 'Tell me everything' }],
      };
      fake.script({ chunks: LONG_ANSWER });
      const client = pausedStream(t.url, apiKey, body);
      onTestFailed(() => client.destroy());

      // The client reads nothing: the hub waits on the full socket, the request stays live.
      let holdId = '';
      await eventually(async () => {
        const row = await t.database.db
          .selectFrom('credit_holds')
          .select('id')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        holdId = row?.id ?? '';
        return holdId !== '';
      });
      const placed = await holdRow(holdId);
      // Several TTLs later the hold is still open, its expiry pushed past them by the renewer.
      await eventually(async () => {
        const row = await holdRow(holdId);
        expect(row.status).toBe('open');
        return row.expires_at >= placed.created_at + 4 * TTL_MS;
      });

      const text = await client.readAll();
      const usage = expectedOpenAIUsage(body, { chunks: LONG_ANSWER });
      expect(usage.completion_tokens).toBe(LONG_ANSWER);
      const model = t.hub.services.models.catalog.resolve('long-gpt')!;
      const cost = costOf(model, usage.prompt_tokens, usage.completion_tokens);
      expect(finalHubCost(text)).toBe(cost / creditsToUnits(1));
      await eventually(async () => (await holdRow(holdId)).status !== 'open');
      expect(await holdRow(holdId)).toMatchObject({ status: 'settled', settled_amount: cost, overage: 0 });
      expect((await credits().balance(userId)).balance).toBe(before - cost);
      expect((await credits().verifyLedger()).ok).toBe(true);
    });

    it("charges a cost beyond the hold in full, and the key's spend takes the real charge", async () => {
      const { userId, principal } = await keyUser(1, 5);
      const keyId = principal.apiKey!.id;
      const held = creditsToUnits(0.5);
      const meter = await Meter.open(gatewayDepsOf(t.hub), {
        principal,
        amount: held,
        requestId: 'req_over',
        model: 'long-gpt',
      });
      expect(await spentOf(keyId)).toBe(held);
      const cost = creditsToUnits(1.25);
      const outcome = await meter.settle(cost, 'more than held');
      expect(outcome.charged).toBe(cost);
      expect(outcome.balance).toEqual({
        balance: creditsToUnits(-0.25),
        held: 0,
        available: creditsToUnits(-0.25),
      });
      expect(await holdRow(meter.holdId)).toMatchObject({ status: 'settled', overage: cost - held });
      expect(await spentOf(keyId)).toBe(cost);
      // Below zero, the user's next request is refused before any upstream call.
      expect((await credits().balance(userId)).available).toBe(creditsToUnits(-0.25));
      await expect(
        Meter.open(gatewayDepsOf(t.hub), {
          principal,
          amount: 1,
          requestId: 'req_refused',
          model: 'long-gpt',
        }),
      ).rejects.toMatchObject({ statusCode: 402, code: 'insufficient_credits' });
      expect(await spentOf(keyId)).toBe(cost);
      expect((await credits().verifyLedger()).ok).toBe(true);
    });

    it("gives a crashed replica's key reservation back when its hold is swept, in the same transaction", async () => {
      const { userId, principal } = await keyUser(10, 2);
      const keyId = principal.apiKey!.id;
      const cap = creditsToUnits(2);
      // A second replica on the same database places a hold and reserves the key's whole cap,
      // then dies before settling (its renewer stops with it).
      const replica = await startReplica(t);
      const meter = await Meter.open(gatewayDepsOf(replica.hub), {
        principal,
        amount: cap,
        requestId: 'req_crashed',
        model: 'long-gpt',
      });
      expect(await spentOf(keyId)).toBe(cap);
      await replica.crash();
      // The key is at its cap: nothing more until the hold is swept.
      await expect(
        Meter.open(gatewayDepsOf(t.hub), {
          principal,
          amount: 1,
          requestId: 'req_blocked',
          model: 'long-gpt',
        }),
      ).rejects.toMatchObject({ code: 'spend_cap_reached' });

      // This replica's sweeper expires it, and the reservation goes with it.
      await eventually(async () => (await holdRow(meter.holdId)).status === 'expired');
      expect(await spentOf(keyId)).toBe(0);
      expect(await credits().balance(userId)).toEqual({
        balance: creditsToUnits(10),
        held: 0,
        available: creditsToUnits(10),
      });
      const next = await Meter.open(gatewayDepsOf(t.hub), {
        principal,
        amount: cap,
        requestId: 'req_next',
        model: 'long-gpt',
      });
      await next.settle(creditsToUnits(1), 'after the crash');
      expect(await spentOf(keyId)).toBe(creditsToUnits(1));
      expect((await credits().verifyLedger()).ok).toBe(true);
    });

    it('charges a meter whose hold was swept once, however often it settles, and the key takes that charge', async () => {
      const { userId, principal } = await keyUser(10, 5);
      const keyId = principal.apiKey!.id;
      const held = creditsToUnits(2);
      const meter = await Meter.open(gatewayDepsOf(t.hub), {
        principal,
        amount: held,
        requestId: 'req_late',
        model: 'long-gpt',
      });
      // This process keeps the hold alive; another replica's sweeper, as if this one had stalled
      // past the hold's expiry, expires it (and gives the key's reservation back).
      const replica = await startReplica(t);
      onTestFailed(() => replica.crash());
      expect(await credits().sweepExpiredHolds(Date.now() + 100 * TTL_MS)).toBe(0);
      expect(await replica.hub.services.credits.sweepExpiredHolds(Date.now() + 100 * TTL_MS)).toBe(1);
      await replica.crash();
      expect(await spentOf(keyId)).toBe(0);
      const cost = creditsToUnits(1.5);
      const outcomes = await Promise.all([
        meter.settle(cost, 'late'),
        meter.settle(cost, 'late again'),
        credits().settle(meter.holdId, cost),
      ]);
      for (const o of outcomes) expect(o.charged).toBe(cost);
      expect(await holdRow(meter.holdId)).toMatchObject({
        status: 'expired',
        settled_amount: cost,
        overage: cost,
      });
      expect((await credits().balance(userId)).balance).toBe(creditsToUnits(10) - cost);
      expect(await spentOf(keyId)).toBe(cost);
      const charges = await t.database.db
        .selectFrom('ledger_transactions')
        .select('id')
        .where('reference', '=', meter.holdId)
        .execute();
      expect(charges).toHaveLength(1);
      expect((await credits().verifyLedger()).ok).toBe(true);
    });
  });
}

/** The principal an API key authenticates as (what the auth guard builds). */
async function principalOf(hub: HubContext, key: string): Promise<Principal> {
  const resolved = await hub.services.apiKeys.resolve(key);
  if (!resolved) throw new Error('the key does not resolve');
  const { userId, role, ...apiKey } = resolved;
  return principalFor(userId, role, 'api_key', { apiKey });
}

/** Another hub process on `t`'s database and coordination; `crash()` stops it without settling anything. */
async function startReplica(t: TestHub): Promise<{ hub: HubContext; crash(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-replica-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HUB_SECRET: SECRET,
    HUB_DATA_DIR: dataDir,
    DATABASE_URL: t.database.url,
  });
  const app: FastifyInstance = await buildHubApp({
    defaultMetrics: false,
    config,
    database: t.database,
    coordination: t.coordination,
    holdTimings: { ttlMs: TTL_MS, sweepIntervalMs: 60_000 },
  });
  await app.ready();
  return {
    hub: app.hub,
    async crash() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a streamed completion and reads none of it until `readAll()`. */
function pausedStream(
  url: string,
  apiKey: string,
  body: unknown,
): { readAll(): Promise<string>; destroy(): void } {
  let req!: ClientRequest;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.pause();
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      else resolve(res);
    });
    req.end(JSON.stringify(body));
  });
  return {
    destroy: () => req.destroy(),
    async readAll() {
      const res = await response;
      res.setEncoding('utf8');
      let text = '';
      for await (const chunk of res) text += chunk;
      return text;
    },
  };
}

/** The `hub.cost` (credits) of the stream's last chunk. */
function finalHubCost(sse: string): number {
  const frames = sse
    .split('\n\n')
    .map((frame) => frame.replace(/^data: /, ''))
    .filter((data) => data.startsWith('{'));
  const last = JSON.parse(frames.at(-1)!) as { hub?: { cost: number } };
  if (!last.hub) throw new Error('the stream ended without its hub field');
  return last.hub.cost;
}
