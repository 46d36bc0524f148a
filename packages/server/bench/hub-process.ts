import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestDatabase, deleteKeysWithPrefix, redisUrlForTests } from '@smart-ai-hub/adapters/testing';
import { Redis } from 'ioredis';
import { startBenchHub } from './bench-hub.js';
import { answer, answerMemory } from './child-process.js';
import { watchEventLoop } from './event-loop-watch.js';

/**
 * The hub as the benchmark measures it, in its own process: a SQLite file in a temp folder,
 * in-memory coordination, metering on, rate limits on (high enough never to refuse), a real user
 * with a real API key and granted credits. `gpt-4o-mini` is served by an `openai-compatible`
 * deployment on the fake upstream (what a self-hosted or third-party OpenAI-style server gets);
 * `gpt-4o-mini-sdk` by an `openai` deployment on the same upstream through the official client.
 */
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
const configFile = join(mkdtempSync(join(tmpdir(), 'hub-bench-config-')), 'hub-config.json');
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
/** The observability variants (`observability-cost.ts`): metrics off, or traces to a collector. */
const observability = Object.fromEntries(
  ['HUB_METRICS', 'OTEL_EXPORTER_OTLP_ENDPOINT']
    .map((name) => [name, process.env[name]] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined),
);
const hub = await startBenchHub({
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  HUB_CONFIG: configFile,
  ...observability,
  ...(scaled
    ? {
        DATABASE_URL: scaled.url,
        REDIS_URL: redisUrlForTests,
        REDIS_KEY_PREFIX: redisPrefix,
        DATABASE_POOL_SIZE: '20',
        ...(process.env.POSTGRES_PREPARED_STATEMENTS
          ? { POSTGRES_PREPARED_STATEMENTS: process.env.POSTGRES_PREPARED_STATEMENTS }
          : {}),
      }
    : {}),
});
const { app, apiKey: key } = hub;
const url = await app.listen({ port: 0, host: '127.0.0.1' });
answerMemory();
const eventLoop = watchEventLoop();
// `reset` before a run, `read` after it: the hub's event-loop stalls and GC pauses meanwhile.
answer('eventLoop', (message) => (message.reset ? eventLoop.reset() : eventLoop.read()));
process.on('SIGTERM', () => {
  void hub.close().then(async () => {
    if (scaled) {
      await scaled.drop();
      const redis = new Redis(redisUrlForTests);
      await deleteKeysWithPrefix(redis, redisPrefix);
      await redis.quit();
    }
    rmSync(dirname(configFile), { recursive: true, force: true });
    process.exit(0);
  });
});
process.send?.({ type: 'ready', url, apiKey: key });
