import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/index.js';
import { openAIProvider } from './openai-provider.js';
import { UpstreamError } from './upstream-error.js';

/** The `openai` provider through the official client and the hub's undici-based `fetch`, against the fake. */
describe('openAIProvider over the upstream fetch', () => {
  let fake: FakeOpenAI;
  let provider: ReturnType<typeof openAIProvider>;
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }] };
  const call = () => ({ signal: new AbortController().signal, requestId: 'req_1' });

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-test', chunks: 4 });
    provider = openAIProvider({
      id: 'd1',
      provider: 'openai',
      upstreamModel: 'gpt-4o-mini',
      baseURL: `${fake.url}/v1`,
      apiKey: 'sk-test',
      timeoutMs: 300,
      options: {},
    });
  });
  afterAll(() => fake?.close());

  it('completes, sending the key and the JSON body', async () => {
    const result = await provider.complete(request, call());
    expect(result.choices[0]?.message.content?.split(' ')).toHaveLength(4);
    expect(result.usage?.completion_tokens).toBe(4);
    const seen = fake.requests.at(-1)!;
    expect(seen.headers.authorization).toBe('Bearer sk-test');
    expect(seen.body).toMatchObject({ model: 'gpt-4o-mini', messages: request.messages, stream: false });
  });

  it('streams every chunk, usage last', async () => {
    const chunks: ChatCompletionChunk[] = [];
    const stream = await provider.stream(
      { ...request, stream: true, stream_options: { include_usage: true } },
      call(),
    );
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.trim().split(' ')).toHaveLength(4);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(4);
  });

  it('maps a 429 with its Retry-After, and a timeout, to UpstreamError', async () => {
    fake.script({ status: 429, retryAfter: 2 });
    const limited = await provider.complete(request, call()).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(UpstreamError);
    expect(limited).toMatchObject({ status: 429, retryAfterMs: 2_000 });
    fake.script({ hangBeforeFirstByteMs: 2_000 });
    const late = await provider.complete(request, call()).catch((e: unknown) => e);
    expect(late).toMatchObject({ timeout: true });
  });

  it('closes the upstream request when the caller aborts mid-stream', async () => {
    fake.script({ hangAfterChunks: 1 });
    const controller = new AbortController();
    const stream = await provider.stream(
      { ...request, stream: true },
      { signal: controller.signal, requestId: 'r' },
    );
    const aborted = fake.waitForAbort(5_000);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        seen.push(chunk.choices[0]?.delta.content ?? '');
        if (seen.length === 2) controller.abort(new Error('client gone'));
      }
    })();
    // The official client ends the iteration quietly on abort (as with the global fetch); the
    // pipeline checks its signal. What matters here: no more chunks, and the upstream saw the close.
    await reading.catch(() => {});
    expect(seen).toHaveLength(2);
    expect((await aborted).path).toBe('/v1/chat/completions');
  });
});
