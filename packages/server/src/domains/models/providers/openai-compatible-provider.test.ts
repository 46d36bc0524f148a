import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ListeningFakeServer, listenFakeServer } from '../../../../test/fakes/fake-http-server.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/index.js';
import { openAICompatibleProvider } from './openai-compatible-provider.js';
import type { ProviderCall, ProviderDeployment } from './provider.js';
import { UpstreamError } from './upstream-error.js';

/**
 * What only the lean `openai-compatible` provider does (what both OpenAI providers share is in
 * `openai-provider.test.ts`): no key means no `Authorization`, the request id goes upstream, an
 * idle stream times out, connections are kept alive, odd error bodies still read well.
 */
describe('openAICompatibleProvider', () => {
  let fake: FakeOpenAI;
  let raw: ListeningFakeServer;
  let rawHandler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> = () => {};
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }] };
  const call = (signal = new AbortController().signal): ProviderCall => ({ signal, requestId: 'req_42' });
  const make = (baseURL: string, more: Partial<ProviderDeployment> = {}) =>
    openAICompatibleProvider({
      id: 'd1',
      provider: 'openai-compatible',
      upstreamModel: 'gpt-4o-mini',
      baseURL,
      timeoutMs: 300,
      options: {},
      ...more,
    });
  const collect = async (stream: AsyncIterable<ChatCompletionChunk>) => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    return chunks;
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: null, chunks: 4 });
    raw = await listenFakeServer((req, res) => rawHandler(req, res));
  });
  afterAll(async () => {
    await fake?.close();
    await raw?.close();
  });
  beforeEach(() => fake.reset());

  it('sends no authorization without a key, and the request id and accept header, under a base URL with a trailing slash', async () => {
    const provider = make(`${fake.url}/v1/`);
    await provider.complete(request, call());
    const json = fake.requests.at(-1)!;
    expect(json.path).toBe('/v1/chat/completions');
    expect(json.headers.authorization).toBeUndefined();
    expect(json.headers['x-request-id']).toBe('req_42');
    expect(json.headers.accept).toBe('application/json');
    expect(json.headers['content-type']).toBe('application/json');
    await collect(await provider.stream({ ...request, stream: true }, call()));
    expect(fake.requests.at(-1)?.headers.accept).toBe('text/event-stream');
  });

  it('times out when a stream goes silent for longer than timeoutMs', async () => {
    fake.script({ hangAfterChunks: 1 });
    const stream = await make(`${fake.url}/v1`).stream({ ...request, stream: true }, call());
    const failure = await collect(stream).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ status: undefined, timeout: true });
  });

  it('turns a 2xx body that is not JSON into a retryable UpstreamError without a status', async () => {
    rawHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>captive portal</html>');
    };
    const failure = await make(`${raw.url}/v1`)
      .complete(request, call())
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ status: undefined, timeout: false });
    expect((failure as Error).message).toContain('captive portal');
  });

  it('reads error bodies in other shapes: a string `error` (Ollama), plain text, an oversized body', async () => {
    const answers = [
      { status: 404, type: 'application/json', body: JSON.stringify({ error: "model 'llama9' not found" }) },
      { status: 502, type: 'text/plain', body: 'Bad Gateway' },
      { status: 503, type: 'text/plain', body: 'x'.repeat(1_000_000) },
    ];
    const messages: string[] = [];
    for (const answer of answers) {
      rawHandler = (_req, res) => {
        res.writeHead(answer.status, { 'content-type': answer.type, 'retry-after-ms': '1500' });
        res.end(answer.body);
      };
      const failure = await make(`${raw.url}/v1`)
        .complete(request, call())
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ status: answer.status, retryAfterMs: 1500 });
      messages.push((failure as Error).message);
    }
    expect(messages[0]).toBe("The upstream answered 404: model 'llama9' not found");
    expect(messages[1]).toBe('The upstream answered 502: Bad Gateway');
    expect(messages[2]!.length).toBeLessThan(1_100);
  });

  it('ends a stream without [DONE] cleanly once its choice finished, and as truncated before', async () => {
    const frame = (content: string, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    let body = frame('a') + frame('b', 'stop');
    rawHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(body);
    };
    const chunks = await collect(await make(`${raw.url}/v1`).stream({ ...request, stream: true }, call()));
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(['a', 'b']);

    body = frame('a') + frame('b');
    const seen: ChatCompletionChunk[] = [];
    const stream = await make(`${raw.url}/v1`).stream({ ...request, stream: true }, call());
    const failure = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((e: unknown) => e);
    expect(seen.map((c) => c.choices[0]?.delta.content)).toEqual(['a', 'b']);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as Error).message).toMatch(/ended its stream before the answer was complete/);
  });

  it('keeps connections alive across calls, deployments on the same origin, and streams ended by [DONE]', async () => {
    const frame = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] })}\n\n`;
    const sockets = new Set<Socket>();
    let closed = 0;
    rawHandler = async (req, res) => {
      if (!sockets.has(req.socket)) req.socket.once('close', () => closed++);
      sockets.add(req.socket);
      const body: Buffer[] = [];
      for await (const part of req) body.push(part as Buffer);
      if ((JSON.parse(Buffer.concat(body).toString()) as { stream?: boolean }).stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // [DONE] first, the end of the body a little later: the client must not cut the socket.
        res.write(`${frame}${frame}data: [DONE]\n\n`);
        setTimeout(() => res.end(), 20);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [] }));
      }
    };
    const first = make(`${raw.url}/v1`);
    const second = make(`${raw.url}/v1`, { id: 'd2', apiKey: 'sk-other' });
    for (let i = 0; i < 3; i++) {
      await first.complete(request, call());
      expect(await collect(await first.stream({ ...request, stream: true }, call()))).toHaveLength(2);
      await second.complete(request, call());
      expect(await collect(await second.stream({ ...request, stream: true }, call()))).toHaveLength(2);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A call dispatched while the last stream is still draining gets another socket; what
    // matters: twelve calls on fewer connections, none of them cut.
    expect(closed).toBe(0);
    expect(sockets.size).toBeLessThan(12);
  });
});
