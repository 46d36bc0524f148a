import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ListeningFakeServer, listenFakeServer } from '../../../../test/fakes/fake-http-server.js';
import { type FakeOpenAI, openAIError, startFakeOpenAI } from '../../../../test/fakes/index.js';
import { openAICompatibleProvider } from './openai-compatible-provider.js';
import { openAIProvider } from './openai-provider.js';
import type { ChatProvider, ProviderCall, ProviderFactory } from './provider.js';
import { UpstreamError } from './upstream-error.js';

/**
 * Both ways the hub speaks OpenAI's wire answer the same: `openai` (the official client over the
 * hub's undici-based `fetch`) and `openai-compatible` (bare undici), against the fake upstream
 * and, for byte-level SSE cases, a raw `node:http` server.
 */
const PROVIDERS: Array<{ name: string; factory: ProviderFactory; abortEndsQuietly: boolean }> = [
  // The official client ends the iteration quietly when aborted mid-stream (the pipeline then
  // checks its own signal); the lean one throws the signal's reason.
  { name: 'openai', factory: openAIProvider, abortEndsQuietly: true },
  { name: 'openai-compatible', factory: openAICompatibleProvider, abortEndsQuietly: false },
];

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }] };
const streamed = { ...request, stream: true, stream_options: { include_usage: true } };
const call = (signal = new AbortController().signal): ProviderCall => ({ signal, requestId: 'req_1' });

/** SSE bytes a raw server sends verbatim, one write per piece (10 ms apart so they arrive apart). */
function rawSse(pieces: string[]): (req: unknown, res: ServerResponse) => Promise<void> {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of pieces) {
      res.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    res.end();
  };
}

const chunk = (content: string, extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({
  id: 'chatcmpl-raw',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  ...extra,
});

/** A chunk that ends its choice (`finish_reason: 'stop'`). */
const finished = (content: string): ChatCompletionChunk =>
  chunk(content, { choices: [{ index: 0, delta: { content }, finish_reason: 'stop' }] });

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe.each(PROVIDERS)('$name provider on the OpenAI wire', ({ name, factory, abortEndsQuietly }) => {
  let fake: FakeOpenAI;
  let provider: ChatProvider;
  let raw: ListeningFakeServer;
  let rawHandler: (req: unknown, res: ServerResponse) => Promise<void> = rawSse([]);
  const make = (baseURL: string, timeoutMs = 300) =>
    factory({
      id: 'd1',
      provider: name,
      upstreamModel: 'gpt-4o-mini',
      baseURL,
      apiKey: 'sk-test',
      timeoutMs,
      options: {},
    });

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-test', chunks: 4 });
    raw = await listenFakeServer((req, res) => rawHandler(req, res));
    provider = make(`${fake.url}/v1`);
  });
  afterAll(async () => {
    await fake?.close();
    await raw?.close();
  });
  // No request of an earlier test is still on its way to take this test's script or to record
  // its abort in this test's count.
  beforeEach(async () => {
    await fake.idle();
    fake.reset();
  });

  it('completes, sending the key and the JSON body', async () => {
    const result = await provider.complete(request, call());
    expect(result.choices[0]?.message.content?.split(' ')).toHaveLength(4);
    expect(result.usage?.completion_tokens).toBe(4);
    const seen = fake.requests.at(-1)!;
    expect(seen.headers.authorization).toBe('Bearer sk-test');
    expect(seen.body).toMatchObject({ model: 'gpt-4o-mini', messages: request.messages, stream: false });
  });

  it('streams every chunk, usage last, passing stream_options as given', async () => {
    const chunks = await collect(await provider.stream(streamed, call()));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.trim().split(' ')).toHaveLength(4);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(4);
    expect(fake.requests.at(-1)?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('maps a 429 to its status, message and Retry-After', async () => {
    fake.script({ status: 429, retryAfter: 2 });
    const limited = await provider.complete(request, call()).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(UpstreamError);
    expect(limited).toMatchObject({ status: 429, retryAfterMs: 2_000, timeout: false });
    expect((limited as Error).message).toContain(openAIError(429).error.message);
  });

  it('maps a 500, before the stream starts, to its status', async () => {
    fake.script({ status: 500 });
    const failed = await provider.stream(streamed, call()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(UpstreamError);
    expect(failed).toMatchObject({ status: 500, retryAfterMs: undefined });
  });

  it('times out when the headers are late', async () => {
    fake.script({ hangBeforeFirstByteMs: 2_000 });
    const late = await provider.complete(request, call()).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(UpstreamError);
    expect(late).toMatchObject({ status: undefined, timeout: true });
  });

  it('rejects with the signal’s reason when aborted before the headers, and the upstream sees the close', async () => {
    fake.script({ hangBeforeFirstByteMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('client gone');
    const aborted = fake.waitForAbort(5_000);
    const arrived = fake.waitForRequest(5_000);
    const pending = make(`${fake.url}/v1`, 10_000).stream(streamed, call(controller.signal));
    // Aborted once the fake holds the request, not after a guess at how long that takes.
    await arrived;
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect((await aborted).path).toBe('/v1/chat/completions');
  });

  it('closes the upstream request when the caller aborts mid-stream', async () => {
    // The fake sends the role chunk and one content chunk, then nothing until the client leaves:
    // the caller aborts on the second chunk, and nothing more can arrive, however slow the machine.
    fake.script({ hangAfterChunks: 1 });
    const controller = new AbortController();
    const reason = new Error('client gone');
    const stream = await provider.stream({ ...request, stream: true }, call(controller.signal));
    const aborted = fake.waitForAbort(5_000);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const c of stream) {
        seen.push(c.choices[0]?.delta.content ?? '');
        if (seen.length === 2) controller.abort(reason);
      }
    })();
    const outcome = await reading.then(
      () => 'ended',
      (e: unknown) => e,
    );
    expect(outcome).toBe(abortEndsQuietly ? 'ended' : reason);
    expect(seen).toEqual(['', 'word1']);
    expect((await aborted).path).toBe('/v1/chat/completions');
  });

  it('closes the upstream request when the caller breaks out of the iteration', async () => {
    fake.script({ chunks: 50, chunkDelayMs: 20 });
    const stream = await provider.stream(streamed, call());
    const aborted = fake.waitForAbort(5_000);
    let seen = 0;
    for await (const _ of stream) if (++seen === 3) break;
    expect(seen).toBe(3);
    expect((await aborted).path).toBe('/v1/chat/completions');
  });

  it('throws an UpstreamError when the connection drops mid-stream', async () => {
    fake.script({ chunks: 10, failAfterChunks: 3 });
    const stream = await provider.stream(streamed, call());
    const seen: ChatCompletionChunk[] = [];
    const failure = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ status: undefined, timeout: false });
    expect(seen.filter((c) => c.choices[0]?.delta.content).length).toBe(3);
  });

  it('throws an UpstreamError when a connection cannot be made', async () => {
    const closed = await listenFakeServer(() => {});
    await closed.close();
    const failure = await make(`${closed.url}/v1`)
      .complete(request, call())
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ status: undefined, timeout: false });
  });

  it('throws an UpstreamError on an error event mid-stream', async () => {
    const error = { error: { message: 'The model crashed', type: 'server_error', code: null } };
    rawHandler = rawSse([`data: ${JSON.stringify(chunk('Hi'))}\n\n`, `data: ${JSON.stringify(error)}\n\n`]);
    const stream = await make(`${raw.url}/v1`).stream(streamed, call());
    const seen: ChatCompletionChunk[] = [];
    const failure = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((e: unknown) => e);
    expect(seen.map((c) => c.choices[0]?.delta.content)).toEqual(['Hi']);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as Error).message).toContain('The model crashed');
  });

  it('fails only the stream when an error event or a non-JSON event ends the body (nothing left to crash the process)', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const error = { error: { message: 'The generation failed', type: 'server_error', code: null } };
      for (const last of [`data: ${JSON.stringify(error)}\n\n`, 'data: {not json\n\n']) {
        // The whole body in one write: the client has its end before it stops reading.
        rawHandler = async (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`data: ${JSON.stringify(chunk('Hi'))}\n\n${last}`);
        };
        const stream = await make(`${raw.url}/v1`).stream(streamed, call());
        const seen: ChatCompletionChunk[] = [];
        const failure = await (async () => {
          for await (const c of stream) seen.push(c);
        })().catch((e: unknown) => e);
        expect(seen.map((c) => c.choices[0]?.delta.content)).toEqual(['Hi']);
        expect(failure).toBeInstanceOf(UpstreamError);
        expect((failure as Error).message).toMatch(/The generation failed|not JSON/);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
  });

  it('fails the stream on an event that is JSON but no chunk', async () => {
    for (const odd of ['null', '42', '{"choices": "many"}', '{"choices": [null]}']) {
      rawHandler = rawSse([`data: ${JSON.stringify(chunk('Hi'))}\n\n`, `data: ${odd}\n\n`]);
      const stream = await make(`${raw.url}/v1`).stream(streamed, call());
      const seen: ChatCompletionChunk[] = [];
      const failure = await (async () => {
        for await (const c of stream) seen.push(c);
      })().catch((e: unknown) => e);
      expect(seen).toHaveLength(1);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as Error).message).toMatch(/not a chat completion chunk|not JSON/);
    }
  });

  it('fails stream() itself, before any chunk, on a 200 whose body is JSON or HTML', async () => {
    const answers = [
      { type: 'application/json', body: JSON.stringify({ error: { message: 'Model is loading' } }) },
      { type: 'text/html; charset=utf-8', body: '<html><body>Sign in to the Wi-Fi</body></html>' },
    ];
    for (const answer of answers) {
      rawHandler = async (_req, res) => {
        res.writeHead(200, { 'content-type': answer.type });
        res.end(answer.body);
      };
      const failure = await make(`${raw.url}/v1`)
        .stream(streamed, call())
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ status: undefined, timeout: false });
      expect((failure as Error).message).toContain(`with ${answer.type} instead of an event stream`);
      expect((failure as Error).message).toMatch(/Model is loading|Sign in to the Wi-Fi/);
    }
  });

  it('fails stream() itself when the body ends or fails before the first chunk', async () => {
    for (const body of ['', ': only a comment\n\n', 'data: {"error": {"message": "Out of memory"}}\n\n']) {
      rawHandler = async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(body);
      };
      const failure = await make(`${raw.url}/v1`)
        .stream(streamed, call())
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as Error).message).toMatch(/without an answer|Out of memory/);
    }
  });

  it('turns a 200 that is not a chat completion into an UpstreamError', async () => {
    const answers = [
      { type: 'text/html', body: '<html>captive portal</html>' },
      { type: 'application/json', body: '{"id": "chatcmpl-1", "choi' },
      { type: 'application/json', body: '{"object": "list", "data": []}' },
    ];
    for (const answer of answers) {
      rawHandler = async (_req, res) => {
        res.writeHead(200, { 'content-type': answer.type });
        res.end(answer.body);
      };
      const failure = await make(`${raw.url}/v1`)
        .complete(request, call())
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ status: undefined, timeout: false });
    }
  });

  it('reads SSE events split anywhere across TCP chunks, with CRLF line ends and comments', async () => {
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const body =
      ': keep-alive\r\n\r\n' +
      `data: ${JSON.stringify(chunk('Hé'))}\r\n\r\n` +
      `event: message\r\nid: 2\r\ndata: ${JSON.stringify(finished(' ✓'))}\r\n\r\n` +
      `data: ${JSON.stringify({ ...chunk(''), choices: [], usage })}\r\n\r\n` +
      'data: [DONE]\r\n\r\n';
    // Split mid-line, mid-CRLF and inside a multi-byte character.
    const bytes = Buffer.from(body);
    const cuts = [5, 14, 15, 40, bytes.indexOf('é') + 1, bytes.indexOf('✓') + 2, bytes.length - 3];
    const pieces: Buffer[] = [];
    let at = 0;
    for (const cut of [...cuts.sort((a, b) => a - b), bytes.length]) {
      pieces.push(bytes.subarray(at, cut));
      at = cut;
    }
    rawHandler = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of pieces) {
        res.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      res.end();
    };
    const chunks = await collect(await make(`${raw.url}/v1`).stream(streamed, call()));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hé ✓');
    expect(chunks.at(-1)?.usage).toEqual(usage);
    expect(chunks).toHaveLength(3);
  });
});
