import type { DatabaseDialect } from '@smart-ai-hub/adapters';
import { type FakeOpenAI, startFakeOpenAI } from '../../../test/fakes/index.js';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import type { ModelConfigInput, ModelsFileConfig } from './catalog/catalog-schema.js';
import type { ProviderFactory } from './providers/provider.js';

/** Test prices: 1 unit per input token, 2 per output token. */
export const TEST_PRICES = { inputPrice: 1, outputPrice: 2 } as const;

export interface GatewayKit {
  t: TestHub & { url: string };
  /** The primary upstream (model `test-gpt`, and first deployment of `test-fallback`). */
  fake: FakeOpenAI;
  /** The second deployment of `test-fallback`. */
  backup: FakeOpenAI;
  /** A user with `credits` units and an API key (optionally limited). */
  user(options?: { units?: number; allowedModels?: string[]; spendCap?: number }): Promise<{
    userId: string;
    apiKey: string;
    apiKeyId: string;
    headers: { authorization: string };
  }>;
  balance(userId: string): Promise<number>;
  openHolds(): Promise<number>;
  /** Every usage row, after flushing the queue. */
  usageRows(): Promise<Array<Record<string, unknown>>>;
  /**
   * The user's one usage row, waiting until it is written: a streamed request queues its row
   * after the charge settles, which can be after the client (and the test) saw the stream end.
   */
  usageRowOf(userId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A hub on `dialect` + `coordination` whose catalog points at two fake OpenAI upstreams:
 * `test-gpt` (one deployment), `test-fallback` (two), `test-cached` (cache on), plus extra models.
 */
export async function createGatewayKit(
  dialect: DatabaseDialect,
  coordination: 'memory' | 'redis',
  options: {
    listen?: boolean;
    chunkDelayMs?: number;
    settings?: Partial<ModelsFileConfig>;
    extraModels?: ModelConfigInput[];
    providers?: Record<string, ProviderFactory>;
    /** Extra environment variables for the hub (`METRICS_TOKEN`, ...). */
    env?: Record<string, string>;
  } = {},
): Promise<GatewayKit> {
  const fake = await startFakeOpenAI({ chunkDelayMs: options.chunkDelayMs });
  const backup = await startFakeOpenAI({ chunkDelayMs: options.chunkDelayMs });
  const deployment = (id: string, f: FakeOpenAI) => ({
    id,
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    baseURL: f.baseURL,
    apiKey: f.apiKey ?? undefined,
  });
  const models: ModelsFileConfig = {
    models: [
      {
        id: 'test-gpt',
        aliases: ['gpt'],
        ...TEST_PRICES,
        maxOutputTokens: 100,
        deployments: [deployment('primary', fake)],
      },
      {
        id: 'test-fallback',
        ...TEST_PRICES,
        maxOutputTokens: 100,
        deployments: [deployment('fallback-a', fake), deployment('fallback-b', backup)],
      },
      {
        id: 'test-cached',
        ...TEST_PRICES,
        cachePrice: 0.01,
        cache: true,
        maxOutputTokens: 100,
        deployments: [deployment('cached', fake)],
      },
      ...(options.extraModels ?? []),
    ] as ModelsFileConfig['models'],
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 2_000 },
    ...options.settings,
  };
  const t = await createTestHub({
    dialect,
    coordination,
    listen: options.listen,
    models,
    providers: options.providers,
    env: options.env,
  });
  const hub = t.hub;
  const usageRows = async () => {
    await hub.services.models.usage.flush();
    return hub.db.selectFrom('usage_logs').selectAll().orderBy('created_at').execute() as Promise<
      Array<Record<string, unknown>>
    >;
  };
  return {
    t,
    fake,
    backup,
    async user({ units = 1_000_000, allowedModels, spendCap } = {}) {
      const fixture = await createUser(t);
      if (units > 0) {
        await hub.services.credits.grant({
          userId: fixture.user.id,
          amount: units,
          idempotencyKey: `kit-${fixture.user.id}`,
        });
      }
      let { apiKey, apiKeyId } = fixture;
      if (allowedModels || spendCap !== undefined) {
        const created = await hub.services.apiKeys.create(fixture.user.id, {
          name: 'limited',
          allowedModels: allowedModels ?? null,
          spendCap: spendCap ?? null,
        });
        apiKey = created.key;
        apiKeyId = created.row.id;
      }
      return { userId: fixture.user.id, apiKey, apiKeyId, headers: { authorization: `Bearer ${apiKey}` } };
    },
    async balance(userId) {
      return (await hub.services.credits.balance(userId)).balance;
    },
    async openHolds() {
      const row = await hub.db
        .selectFrom('credit_holds')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    usageRows,
    async usageRowOf(userId) {
      let row: Record<string, unknown> | undefined;
      await eventually(async () => {
        row = (await usageRows()).find((r) => r.user_id === userId);
        return row !== undefined;
      });
      return row!;
    },
    async close() {
      // pg's pool.end() resolves before its sockets close, and the drop force-terminates what is
      // still connected (an unhandled 57P01): close the pool first and let the sockets go.
      await t.app.close();
      await t.database.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await t.close();
      await fake.close();
      await backup.close();
    },
  };
}

/** The dialect and coordination pairs every gateway suite runs on. */
export const GATEWAY_SETUPS = [
  { dialect: 'sqlite', coordination: 'memory' },
  { dialect: 'postgres', coordination: 'redis' },
] as const;

/**
 * Waits until `check` holds (settling happens after the response closes), polling every 10 ms;
 * fails after `timeoutMs`, which is generous so that a loaded machine is only slower.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
