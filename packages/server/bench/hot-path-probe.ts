/**
 * A quick look at where one metered chat request spends its time, in-process (no network):
 * `tsx --conditions=source bench/hot-path-probe.ts`. Prints ms per request for the whole request
 * and for each service call the hub makes on the way. Complements `pnpm bench`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditsToUnits } from '../src/domains/credits/money.js';
import { buildHubApp } from '../src/hub/build-app.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-probe-'));
const app = await buildHubApp({
  env: {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HUB_SECRET: 'x'.repeat(40),
    HUB_DATA_DIR: dataDir,
    DATABASE_URL: join(dataDir, 'hub.db'),
    HUB_ADMIN_EMAIL: 'a@b.test',
    HUB_ADMIN_PASSWORD: 'bench-admin-password-123',
  },
});
await app.ready();
const { users, apiKeys, credits } = app.hub.services;
const user = await users.create({
  email: 'b@b.test',
  password: 'bench-password-123',
  name: 'b',
  role: 'user',
  emailVerified: true,
});
const { key } = await apiKeys.create(user.id, { name: 'b' });
await credits.grant({ userId: user.id, amount: creditsToUnits(1_000_000), idempotencyKey: 'g' });
const totals = new Map<string, number>();
/** Times every call of `obj[name]` (an async method) under `label`. */
function wrap<T extends object>(obj: T, name: keyof T & string, label: string) {
  const target = obj as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const orig = target[name]!.bind(obj);
  target[name] = async (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return await orig(...args);
    } finally {
      totals.set(label, (totals.get(label) ?? 0) + performance.now() - t0);
    }
  };
}
wrap(credits, 'hold', 'credits.hold');
wrap(credits, 'settle', 'credits.settle');
wrap(app.hub, 'authenticate', 'authenticate');
wrap(app.hub.coordination.rateLimiter, 'consumeAll', 'ratelimit.consumeAll');
wrap(app.hub.coordination.rateLimiter, 'record', 'ratelimit.record');
wrap(app.hub.coordination.events, 'append', 'events.append');
wrap(app.hub.services.notifications, 'handleEvent', 'notifications.handle');
wrap(app.hub.services.models.usage, 'flush', 'usage.flush');
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const payload = JSON.stringify({
  model: 'mock-small',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
});
const one = () => app.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload });
for (let i = 0; i < 200; i++) await one();
totals.clear();
const n = 2000;
const t0 = performance.now();
for (let i = 0; i < n; i++) await one();
const total = performance.now() - t0;
console.log('total per request', (total / n).toFixed(3), 'ms');
for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]))
  console.log(k.padEnd(24), (v / n).toFixed(3), 'ms/request');
await app.close();
