import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, deleteKeysWithPrefix, redisUrlForTests } from '@smart-ai-hub/adapters/testing';
import { Redis } from 'ioredis';
import { creditsToUnits } from '../src/domains/credits/money.js';
import { buildHubApp } from '../src/hub/build-app.js';
import { answer, answerMemory } from './child-process.js';
import { watchEventLoop } from './event-loop-watch.js';

/**
 * The hub as the benchmark measures it, in its own process: a SQLite file in a temp folder,
 * in-memory coordination, metering on, rate limits on (high enough never to refuse), a real user
 * with a real API key and granted credits. `gpt-4o-mini` is served by an `openai-compatible`
 * deployment on the fake upstream (what a self-hosted or third-party OpenAI-style server gets);
 * `gpt-4o-mini-sdk` by an `openai` deployment on the same upstream through the official client.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
// `BENCH_STORAGE=postgres`: a fresh PostgreSQL database (dropped at the end) and Redis, the scaled
// configuration, instead of SQLite and in-memory coordination.
const scaled = process.env.BENCH_STORAGE === 'postgres' ? await createTestDatabase('postgres') : undefined;
const redisPrefix = `bench:${process.pid}:`;
const upstream = `${process.env.UPSTREAM_URL}/v1`;
const model = (id: string, provider: string) => ({
  id,
  inputPrice: 0.15,
  outputPrice: 0.6,
  maxOutputTokens: 16_384,
  deployments: [
    { id: `${provider}-${id}`, provider, model: 'gpt-4o-mini', baseURL: upstream, apiKey: 'sk-bench' },
  ],
});
const configFile = join(dataDir, 'hub-config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    models: {
      models: [model('gpt-4o-mini', 'openai-compatible'), model('gpt-4o-mini-sdk', 'openai')],
      rateLimits: {
        user: { requestsPerMinute: 10_000_000, tokensPerMinute: 1_000_000_000 },
        apiKey: { requestsPerMinute: 10_000_000, tokensPerMinute: 1_000_000_000 },
      },
    },
  }),
);
const app = await buildHubApp({
  env: {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    HUB_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    HUB_DATA_DIR: dataDir,
    DATABASE_URL: scaled?.url ?? join(dataDir, 'hub.db'),
    ...(scaled
      ? { REDIS_URL: redisUrlForTests, REDIS_KEY_PREFIX: redisPrefix, DATABASE_POOL_SIZE: '20' }
      : {}),
    HUB_CONFIG: configFile,
    HUB_ADMIN_EMAIL: 'admin@bench.test',
    HUB_ADMIN_PASSWORD: 'bench-admin-password-123',
  },
});
await app.ready();
const { users, apiKeys, credits } = app.hub.services;
const user = await users.create({
  email: 'bench@bench.test',
  password: 'bench-password-123',
  name: 'bench',
  role: 'user',
  emailVerified: true,
});
const { key } = await apiKeys.create(user.id, { name: 'bench' });
await credits.grant({ userId: user.id, amount: creditsToUnits(1_000_000), idempotencyKey: 'bench-grant' });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
answerMemory();
const eventLoop = watchEventLoop();
// `reset` before a run, `read` after it: the hub's event-loop stalls and GC pauses meanwhile.
answer('eventLoop', (message) => (message.reset ? eventLoop.reset() : eventLoop.read()));
process.on('SIGTERM', () => {
  void app.close().then(async () => {
    if (scaled) {
      await scaled.drop();
      const redis = new Redis(redisUrlForTests);
      await deleteKeysWithPrefix(redis, redisPrefix);
      await redis.quit();
    }
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
process.send?.({ type: 'ready', url, apiKey: key });
