import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditsToUnits } from '../src/domains/credits/money.js';
import { buildHubApp } from '../src/hub/build-app.js';

/**
 * A hub as the benchmarks run it: production mode, a SQLite file in a fresh temp folder (unless
 * `env` names another database), and one user with a real API key and a million credits.
 * `close()` closes the app and removes the folder.
 */
export async function startBenchHub(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const app = await buildHubApp({
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      HUB_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      HUB_DATA_DIR: dataDir,
      DATABASE_URL: join(dataDir, 'hub.db'),
      HUB_ADMIN_EMAIL: 'admin@bench.test',
      HUB_ADMIN_PASSWORD: 'bench-admin-password-123',
      ...env,
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
  return {
    app,
    apiKey: key,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
