import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-server.js';
import { memoryTokenStore } from '../auth/token-store.js';
import { HubClient } from '../client/hub-client.js';
import {
  APIConnectionError,
  APIUserAbortError,
  InsufficientCreditsError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import type { RetryInfo } from './transport.js';

let server: Awaited<ReturnType<typeof startScriptedServer>>;
afterEach(() => server?.close());

const noWait = { 'retry-after': '0' };
const ok = { status: 200, body: { balance: 1, held: 0, available: 1 } };
const chat = { model: 'mock', messages: [{ role: 'user' as const, content: 'hi' }] };
const completion = { id: 'c1', object: 'chat.completion', created: 0, model: 'mock', choices: [] };

function client(options: ConstructorParameters<typeof HubClient>[0] = {}) {
  return new HubClient({ baseURL: server.url, apiKey: 'sk-hub-test', ...options });
}

describe('transport against a scripted network', () => {
  it('retries 5xx and succeeds, sending the credentials every time', async () => {
    server = await startScriptedServer([
      { status: 503, headers: noWait },
      { status: 502, headers: noWait },
      ok,
    ]);
    await expect(client().credits.balance()).resolves.toEqual(ok.body);
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer sk-hub-test'));
  });

  it('sends one idempotency key on every retry of a money-moving POST, and a new one per call', async () => {
    server = await startScriptedServer([
      { status: 500, headers: noWait },
      { status: 200, body: completion },
    ]);
    await client().chat.completions.create(chat);
    await client().chat.completions.create(chat);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('uses the caller’s idempotency key, and sends none on reads', async () => {
    server = await startScriptedServer([{ status: 200, body: {} }]);
    await client().admin.users.grantCredits('u1', { amount: 5 }, { idempotencyKey: 'grant-42' });
    await client().credits.balance();
    expect(server.requests[0]!.headers['idempotency-key']).toBe('grant-42');
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ amount: 5 });
    expect(server.requests[1]!.headers['idempotency-key']).toBeUndefined();
  });

  it('gives up after maxRetries with the error of the last answer', async () => {
    server = await startScriptedServer([
      {
        status: 500,
        headers: { ...noWait, 'x-request-id': 'req-9' },
        body: { error: { code: 'internal_error', message: 'boom', requestId: 'req-9' } },
      },
    ]);
    const error = await client({ maxRetries: 1 })
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, code: 'internal_error', requestId: 'req-9', message: 'boom' });
    expect(server.requests).toHaveLength(2);
  });

  it('retries 429 after Retry-After and reports retryAfter when out of retries', async () => {
    server = await startScriptedServer([{ status: 429, headers: noWait }, ok]);
    await expect(client().credits.balance()).resolves.toEqual(ok.body);
    await server.close();

    server = await startScriptedServer([
      {
        status: 429,
        headers: { 'retry-after': '7' },
        body: { error: { code: 'rate_limited', message: 'slow down', requestId: 'r' } },
      },
    ]);
    const error = await client({ maxRetries: 0 })
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 7 });
  });

  it('does not retry client errors, and builds the class from the envelope', async () => {
    const details = { issues: [{ path: 'body.model', message: 'Required' }] };
    server = await startScriptedServer([
      {
        status: 400,
        body: { error: { code: 'validation_error', message: 'Invalid request', requestId: 'r1', details } },
      },
    ]);
    const error = await client()
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, code: 'validation_error', requestId: 'r1', details });
    expect(server.requests).toHaveLength(1);
  });

  it('reads the amounts of a 402 and OpenAI-shaped errors of the compatible endpoints', async () => {
    server = await startScriptedServer([
      {
        status: 402,
        body: {
          error: {
            code: 'insufficient_credits',
            message: 'Not enough',
            requestId: 'r',
            details: { required: 1.5, available: 0.25 },
          },
        },
      },
      {
        status: 404,
        headers: { 'x-request-id': 'r404' },
        body: { error: { message: 'no model', type: 'invalid_request_error', code: 'model_not_found' } },
      },
    ]);
    const error = await client()
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ required: 1.5, available: 0.25, code: 'insufficient_credits' });
    const notFound = await client()
      .chat.completions.create(chat)
      .catch((e) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ code: 'model_not_found', requestId: 'r404', message: 'no model' });
  });

  it('does not wait for a Retry-After beyond a minute', async () => {
    server = await startScriptedServer([{ status: 429, headers: { 'retry-after': '120' }, body: {} }]);
    const error = await client()
      .credits.balance()
      .catch((e) => e);
    expect(error).toMatchObject({ status: 429, retryAfter: 120 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not wait for a Retry-After past maxRetryWait (default 10 s): RateLimitError at once', async () => {
    server = await startScriptedServer([
      {
        status: 429,
        headers: { 'retry-after': '30' },
        body: { error: { code: 'rate_limited', message: 'slow down', requestId: 'r' } },
      },
      ok,
    ]);
    const retries: RetryInfo[] = [];
    const started = Date.now();
    const error = await client({ onRetry: (info) => retries.push(info) })
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 30 });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
    // Well under the 30 s asked: the call did not sleep at all.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('bounds the total wait of all retries by maxRetryWait, telling onRetry before each wait', async () => {
    server = await startScriptedServer([{ status: 429, headers: { 'retry-after-ms': '40' }, body: {} }]);
    const retries: RetryInfo[] = [];
    const error = await client({ maxRetries: 10, maxRetryWait: 100, onRetry: (info) => retries.push(info) })
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    // 40 ms + 40 ms fit in 100 ms; a third wait would not: three attempts, two waits.
    expect(server.requests).toHaveLength(3);
    expect(retries.map(({ attempt, waitMs, status }) => ({ attempt, waitMs, status }))).toEqual([
      { attempt: 1, waitMs: 40, status: 429 },
      { attempt: 2, waitMs: 40, status: 429 },
    ]);
    expect(retries[0]!.error).toBeInstanceOf(RateLimitError);
  });

  it('tells onRetry about connection errors too (no status), and succeeds after them', async () => {
    server = await startScriptedServer(['drop', { status: 503, headers: { 'retry-after': '0' } }, ok]);
    const retries: RetryInfo[] = [];
    await expect(
      client({ maxRetries: 2, onRetry: (info) => retries.push(info) }).credits.balance(),
    ).resolves.toEqual(ok.body);
    expect(retries.map((r) => [r.attempt, r.status])).toEqual([
      [1, undefined],
      [2, 503],
    ]);
    expect(retries[0]!.error).toBeInstanceOf(APIConnectionError);
  });

  it('honours x-should-retry: false', async () => {
    server = await startScriptedServer([{ status: 503, headers: { 'x-should-retry': 'false' }, body: {} }]);
    await expect(client().credits.balance()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a dropped connection and reports APIConnectionError when it keeps dropping', async () => {
    server = await startScriptedServer(['drop', ok]);
    await expect(client({ maxRetries: 1 }).credits.balance()).resolves.toEqual(ok.body);
    await server.close();
    server = await startScriptedServer(['drop']);
    const error = await client({ maxRetries: 0 })
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.status).toBeUndefined();
  });

  it('times out an attempt, retries it, and throws TimeoutError at the end', async () => {
    server = await startScriptedServer(['hang', ok]);
    await expect(client({ timeout: 100, maxRetries: 1 }).credits.balance()).resolves.toEqual(ok.body);
    await server.close();
    server = await startScriptedServer(['hang']);
    const error = await client({ timeout: 100, maxRetries: 0 })
      .credits.balance()
      .catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    server = await startScriptedServer(['hang']);
    const controller = new AbortController();
    const call = client().credits.balance({ signal: controller.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(1);
  });

  it('sends the client’s and the call’s headers, and the query without empty values', async () => {
    server = await startScriptedServer([{ status: 200, body: { data: [], nextCursor: null } }]);
    const c = client({ headers: { 'x-app': 'demo' } });
    await c.credits.transactions({ limit: 5 }, { headers: { 'x-call': '1' } }).toArray();
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: '/api/v1/credits/transactions?limit=5',
      headers: { 'x-app': 'demo', 'x-call': '1' },
    });
  });

  it('walks cursor pages', async () => {
    server = await startScriptedServer([
      { status: 200, body: { data: [{ id: 'a' }, { id: 'b' }], nextCursor: 'c2' } },
      { status: 200, body: { data: [{ id: 'c' }], nextCursor: null } },
    ]);
    const ids = [];
    for await (const tx of client().credits.transactions({ limit: 2 })) ids.push(tx.id);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/v1/credits/transactions?limit=2',
      '/api/v1/credits/transactions?limit=2&cursor=c2',
    ]);
  });

  it('sends no credentials when signed out', async () => {
    server = await startScriptedServer([ok]);
    await new HubClient({ baseURL: server.url, auth: { tokenStore: memoryTokenStore() } }).credits.balance();
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});
