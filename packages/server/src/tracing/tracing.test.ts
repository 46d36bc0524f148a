import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fakes/index.js';
import { createUser } from '../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../test/support/test-hub.js';
import { creditsToUnits } from '../domains/credits/money.js';
import { gatewayDepsOf } from '../domains/models/gateway/gateway-deps.js';
import { noGatewayTracing } from '../domains/models/gateway/gateway-tracing.js';
import { eventually, GATEWAY_SETUPS } from '../domains/models/models-test-kit.js';

const modelsFor = (fake: FakeOpenAI) => ({
  models: [
    {
      id: 'traced',
      inputPrice: 1,
      outputPrice: 2,
      maxOutputTokens: 100,
      deployments: [
        {
          id: 'traced-main',
          provider: 'openai-compatible',
          model: 'gpt-4o-mini',
          baseURL: fake.baseURL,
          apiKey: fake.apiKey ?? undefined,
        },
      ],
    },
  ],
  retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 50 },
});
const ask = (extra: object = {}) => ({
  model: 'traced',
  messages: [{ role: 'user', content: 'trace me' }],
  ...extra,
});

/** One request's spans: the server span and its children by name. */
function treeOf(spans: ReadableSpan[], requestId: string) {
  const root = spans.find((s) => s.attributes['hub.request_id'] === requestId);
  if (!root) throw new Error(`no span for request ${requestId}`);
  const { traceId, spanId } = root.spanContext();
  const children = spans.filter(
    (s) => s.spanContext().traceId === traceId && s.parentSpanContext?.spanId === spanId,
  );
  return { root, children, named: (name: string) => children.filter((s) => s.name === name) };
}

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`traces on ${dialect} + ${coordination}`, () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    let fake: FakeOpenAI;
    let t: TestHub;
    let headers: Record<string, string>;

    beforeAll(async () => {
      fake = await startFakeOpenAI();
      t = await createTestHub({ dialect, coordination, models: modelsFor(fake), tracerProvider: provider });
      const user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(10),
        idempotencyKey: 'traces',
      });
      headers = { authorization: `Bearer ${user.apiKey}` };
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });
    beforeEach(() => exporter.reset());

    const send = async (payload: object, extraHeaders: Record<string, string> = {}) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { ...headers, ...extraHeaders },
        payload,
      });
      const requestId = String(res.headers['x-request-id']);
      // The server span ends with the response; wait for it (and so for its children).
      await eventually(async () =>
        exporter.getFinishedSpans().some((s) => s.attributes['hub.request_id'] === requestId),
      );
      return { res, tree: treeOf(exporter.getFinishedSpans(), requestId) };
    };

    for (const stream of [false, true]) {
      it(`gives a ${stream ? 'streamed' : 'whole'} answer one server span with auth, hold, upstream and settle under it`, async () => {
        const { res, tree } = await send(ask(stream ? { stream: true } : {}));
        expect(res.statusCode).toBe(200);
        const { root, children, named } = tree;
        expect(root.name).toBe('POST /v1/chat/completions');
        expect(root.kind).toBe(SpanKind.SERVER);
        expect(root.attributes).toMatchObject({
          'http.request.method': 'POST',
          'http.route': '/v1/chat/completions',
          'http.response.status_code': 200,
        });
        expect(children.map((s) => s.name).sort()).toEqual([
          'chat gpt-4o-mini',
          'hub.auth',
          'hub.hold',
          'hub.settle',
        ]);
        expect(named('hub.auth')[0]!.attributes['hub.auth.via']).toBe('api_key');

        const [upstream] = named('chat gpt-4o-mini');
        expect(upstream!.kind).toBe(SpanKind.CLIENT);
        const usage = stream
          ? undefined
          : (res.json() as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
        expect(upstream!.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai-compatible',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini',
          'gen_ai.response.finish_reasons': ['stop'],
          'hub.model': 'traced',
          'hub.deployment': 'traced-main',
        });
        expect(upstream!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
        expect(upstream!.attributes['gen_ai.usage.output_tokens']).toBe(5);
        if (usage) expect(upstream!.attributes['gen_ai.usage.input_tokens']).toBe(usage.prompt_tokens);

        // In order: auth, then the hold, then the upstream call, then the settle.
        const start = (name: string) => named(name)[0]!.startTime;
        const ms = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;
        expect(ms(start('hub.hold'))).toBeGreaterThanOrEqual(ms(start('hub.auth')));
        expect(ms(start('chat gpt-4o-mini'))).toBeGreaterThanOrEqual(ms(start('hub.hold')));
        expect(ms(start('hub.settle'))).toBeGreaterThanOrEqual(ms(start('chat gpt-4o-mini')));
        for (const span of children) expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
      });
    }

    it('shows a failed attempt as an upstream span in error, then the retry that answered', async () => {
      fake.script({ status: 503 });
      const { res, tree } = await send(ask());
      expect(res.statusCode).toBe(200);
      const attempts = tree.named('chat gpt-4o-mini');
      expect(attempts).toHaveLength(2);
      const [failed, answered] = attempts.sort(
        (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
      );
      expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed!.attributes['error.type']).toBe('UpstreamError');
      expect(answered!.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(answered!.attributes['gen_ai.usage.output_tokens']).toBe(5);
    });

    it('continues the caller’s trace from its traceparent header', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = '00f067aa0ba902b7';
      const { tree } = await send(ask(), { traceparent: `00-${traceId}-${parent}-01` });
      expect(tree.root.spanContext().traceId).toBe(traceId);
      expect(tree.root.parentSpanContext?.spanId).toBe(parent);
    });

    it('marks a refused request: a 402 hold span in error and no upstream span', async () => {
      const poor = await createUser(t);
      const { res, tree } = await send(ask(), { authorization: `Bearer ${poor.apiKey}` });
      expect(res.statusCode).toBe(402);
      expect(tree.root.attributes['http.response.status_code']).toBe(402);
      expect(tree.named('hub.hold')[0]!.attributes['error.type']).toBe('insufficient_credits');
      expect(tree.named('chat gpt-4o-mini')).toEqual([]);
    });
  });
}

describe('traces of a chat over the WebSocket', () => {
  it('gives the connection a span and each chat a server span of its own with hold, upstream and settle', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const fake = await startFakeOpenAI();
    const t = await createTestHub({ listen: true, models: modelsFor(fake), tracerProvider: provider });
    try {
      const user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(1),
        idempotencyKey: 'ws',
      });
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/ws`, {
        headers: { authorization: `Bearer ${user.apiKey}` },
      });
      await new Promise<void>((resolve, reject) => {
        socket.on('error', reject);
        socket.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as { type: string };
          if (frame.type === 'ready')
            socket.send(JSON.stringify({ type: 'chat.start', id: 'c1', request: ask() }));
          if (frame.type === 'chat.done') resolve();
        });
      });
      // The chat's span ends with its settle, while the connection is still open.
      await eventually(async () => exporter.getFinishedSpans().some((s) => s.name === 'ws traced'));
      expect(exporter.getFinishedSpans().some((s) => s.name === 'GET /api/v1/ws')).toBe(false);
      socket.close();
      await eventually(async () => exporter.getFinishedSpans().some((s) => s.name === 'GET /api/v1/ws'));
      const spans = exporter.getFinishedSpans();
      const connection = spans.find((s) => s.name === 'GET /api/v1/ws')!;
      expect(connection.attributes['http.response.status_code']).toBe(101);
      const own = spans.find((s) => s.name === 'ws traced')!;
      expect(own.kind).toBe(SpanKind.SERVER);
      const children = spans.filter(
        (s) =>
          s.spanContext().traceId === own.spanContext().traceId &&
          s.parentSpanContext?.spanId === own.spanContext().spanId,
      );
      expect(children.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'hub.hold', 'hub.settle']);
      expect(own.status.code).not.toBe(SpanStatusCode.ERROR);
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

describe('traces over OTLP/HTTP', () => {
  it('exports the span tree to the collector at OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const received: Array<{ path: string; body: OtlpTraces }> = [];
    const collector = createServer(async (req, res) => {
      received.push({ path: req.url ?? '', body: JSON.parse(await bodyOf(req)) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const fake = await startFakeOpenAI();
    const t = await createTestHub({
      models: modelsFor(fake),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'hub-under-test' },
    });
    let closed = false;
    try {
      const user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(1),
        idempotencyKey: 'otlp',
      });
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${user.apiKey}` },
        payload: ask(),
      });
      expect(res.statusCode).toBe(200);
      const requestId = String(res.headers['x-request-id']);
      // Closing the hub flushes the batch to the collector.
      await t.close();
      closed = true;
      expect(received.map((r) => r.path)).toContain('/v1/traces');
      const spans = received.flatMap((r) =>
        r.body.resourceSpans.flatMap((rs) => {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          return rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, service })));
        }),
      );
      const attribute = (span: (typeof spans)[0], key: string) =>
        span.attributes.find((a) => a.key === key)?.value;
      const root = spans.find((s) => attribute(s, 'hub.request_id')?.stringValue === requestId)!;
      expect(root).toMatchObject({ name: 'POST /v1/chat/completions', service: 'hub-under-test' });
      const children = spans.filter((s) => s.traceId === root.traceId && s.parentSpanId === root.spanId);
      expect(children.map((s) => s.name).sort()).toEqual([
        'chat gpt-4o-mini',
        'hub.auth',
        'hub.hold',
        'hub.settle',
      ]);
      const upstream = children.find((s) => s.name === 'chat gpt-4o-mini')!;
      expect(Number(attribute(upstream, 'gen_ai.usage.output_tokens')?.intValue)).toBe(5);
    } finally {
      if (!closed) await t.close();
      await fake.close();
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it('makes no tracer, no hooks and no spans when neither a provider nor an endpoint is given', async () => {
    const t = await createTestHub();
    try {
      expect(t.hub.tracer).toBeUndefined();
      expect(gatewayDepsOf(t.hub).tracing).toBe(noGatewayTracing);
    } finally {
      await t.close();
    }
  });
});

interface OtlpTraces {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{
      spans: Array<{
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes: OtlpAttribute[];
      }>;
    }>;
  }>;
}
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
