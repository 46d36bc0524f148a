/**
 * What calling the upstream costs the hub, per client: the `openai` client on Node's global
 * `fetch`, the same client on the hub's undici-based fetch (`createUpstreamFetch`), and a bare
 * `undici.request` (the floor), each driving the fake upstream with 50 calls in flight for 3 s.
 * The calls per second are bound by this process's CPU, i.e. by the client's own cost.
 *
 *   pnpm exec tsx --conditions=source bench/upstream-client-bench.ts
 */
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { createUpstreamFetch } from '../src/domains/models/providers/upstream-fetch.js';
import { startChild } from './child-process.js';

const upstream = await startChild('./upstream-process.ts');
const baseURL = `${upstream.ready.url}/v1`;
const body = {
  model: 'gpt-4o-mini',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Say sixteen words please' }],
};

async function measure(label: string, call: () => Promise<unknown>): Promise<void> {
  const end = performance.now() + 3_000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (performance.now() < end) {
        await call();
        calls++;
      }
    }),
  );
  console.log(`${label.padEnd(40)} ${Math.round(calls / 3)} calls/s`);
}

const onGlobalFetch = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 });
const onUpstreamFetch = new OpenAI({
  apiKey: 'sk-bench',
  baseURL,
  maxRetries: 0,
  fetch: createUpstreamFetch(),
});
const agent = new Agent({ keepAliveTimeout: 30_000 });
try {
  for (let round = 1; round <= 2; round++) {
    console.log(`round ${round}`);
    await measure('openai client, global fetch', () => onGlobalFetch.chat.completions.create(body));
    await measure('openai client, upstream fetch', () => onUpstreamFetch.chat.completions.create(body));
    await measure('openai client, upstream fetch, streaming', async () => {
      for await (const _ of await onUpstreamFetch.chat.completions.create({ ...body, stream: true }));
    });
    await measure('undici.request (floor)', async () => {
      const response = await request(`${baseURL}/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
        body: JSON.stringify(body),
      });
      return response.body.json();
    });
  }
} finally {
  await upstream.stop();
}
process.exit(0);
