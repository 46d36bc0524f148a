import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditsToUnits } from '../src/domains/credits/money.js';
import { buildHubApp } from '../src/hub/build-app.js';
import { answerMemory } from './child-process.js';

/**
 * The hub as the benchmark measures it, in its own process: a SQLite file in a temp folder,
 * in-memory coordination, metering on, a real user with a real API key and granted credits,
 * and OpenAI deployments pointed at the fake upstream.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
const app = await buildHubApp({
  env: {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    HUB_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    HUB_DATA_DIR: dataDir,
    DATABASE_URL: join(dataDir, 'hub.db'),
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: `${process.env.UPSTREAM_URL}/v1`,
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
process.on('SIGTERM', () => {
  void app.close().then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
process.send?.({ type: 'ready', url, apiKey: key });
