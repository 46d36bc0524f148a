/**
 * A quick look at where one metered chat request spends its time, in-process (no network):
 * `tsx --conditions=source bench/hot-path-probe.ts`. Prints ms per request for the whole request
 * and for each service call the hub makes on the way. Complements `pnpm bench`.
 */
import { startBenchHub } from './bench-hub.js';

const { app, apiKey: key, close } = await startBenchHub();
const { credits } = app.hub.services;
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
await close();
