import type { IncomingMessage, ServerResponse } from 'node:http';
import { interruptedJsonAnswer } from './answer-interrupt.js';
import { anthropicInputTokens, anthropicUsageOf, planAnthropicAnswer } from './anthropic-answer.js';
import { anthropicError, anthropicMessage, anthropicMessageFrames } from './anthropic-wire.js';
import { type FakeBehaviourDefaults, resolveBehaviour } from './fake-behaviour.js';
import type { FakeExchange } from './fake-exchange.js';
import type { FakeRequestHandler, FakeServerHandle } from './fake-http-server.js';
import { fakeId } from './fake-ids.js';
import { bearerToken, sendJson, splitUrl } from './http-io.js';
import { runScriptedPrelude } from './scripted-prelude.js';
import { streamSse } from './sse-stream.js';
import type { UpstreamControls, UpstreamControlsOptions, UpstreamState } from './upstream-controls.js';
import { startUpstreamFake } from './upstream-fake.js';

export interface FakeAnthropicOptions extends FakeBehaviourDefaults, UpstreamControlsOptions {
  /** The key `x-api-key` or `Authorization: Bearer` must carry (default `sk-ant-fake`); `null` accepts any. */
  apiKey?: string | null;
  /** Ids `GET /v1/models` lists. */
  models?: string[];
}

/** A running Anthropic Messages API upstream. */
export interface FakeAnthropic extends FakeServerHandle, UpstreamControls {
  /** Same as `url`: pass as the `@anthropic-ai/sdk` client's `baseURL`. */
  baseURL: string;
  apiKey: string | null;
}

const DEFAULT_MODELS = ['claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-7'];

/**
 * Starts a fake of Anthropic's Messages API: `POST /v1/messages` (JSON or SSE, `tool_use`
 * blocks), `POST /v1/messages/count_tokens`, `GET /v1/models`. Auth by `x-api-key` (older
 * clients) or `Authorization: Bearer` (`@anthropic-ai/sdk` 1.x); any `anthropic-version`, but
 * one is required as upstream. Usage comes from `expectedAnthropicUsage` (`anthropic-answer.ts`).
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const apiKey = options.apiKey === undefined ? 'sk-ant-fake' : options.apiKey;
  const models = options.models ?? DEFAULT_MODELS;
  return startUpstreamFake(
    options,
    (state) => anthropicHandler(state, options, apiKey, models),
    (url) => ({ baseURL: url, apiKey }),
  );
}

function anthropicHandler(
  state: UpstreamState,
  options: FakeAnthropicOptions,
  apiKey: string | null,
  models: string[],
): FakeRequestHandler {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path } = splitUrl(req);
    const exchange = state.open(req, res, path);
    const requestId = fakeId('req_', 24);
    const headers = { 'request-id': requestId };
    const fail = (status: number, message?: string) =>
      sendJson(res, status, { ...anthropicError(status, message), request_id: requestId }, headers);
    const read = await exchange.readJson(req);
    if (read === 'gone') return;
    if (read === 'malformed') return fail(400, 'There was an error parsing the body of your request.');
    const { body } = read;
    const key = (req.headers['x-api-key'] as string | undefined) ?? bearerToken(req);
    if (apiKey !== null && key !== apiKey)
      return fail(401, key ? 'invalid x-api-key' : 'x-api-key header is required');
    if (!req.headers['anthropic-version']) return fail(400, 'anthropic-version: header is required');

    const route = `${req.method} ${path}`;
    if (route === 'POST /v1/messages') return messages(exchange, body, headers);
    if (route === 'POST /v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: anthropicInputTokens(body) }, headers);
    }
    if (route === 'GET /v1/models') {
      const data = models.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2025-01-01T00:00:00Z',
      }));
      return sendJson(
        res,
        200,
        { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null },
        headers,
      );
    }
    fail(404, `Not found: ${req.method} ${path}`);
  }

  async function messages(
    exchange: FakeExchange,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<void> {
    const behaviour = resolveBehaviour(state.takeScript(), options);
    const errorBody = (status: number) => ({ ...anthropicError(status), request_id: headers['request-id'] });
    if (await runScriptedPrelude(exchange, behaviour, errorBody, headers)) return;
    const request = (body ?? {}) as {
      model?: unknown;
      max_tokens?: unknown;
      messages?: unknown;
      stream?: unknown;
    };
    const invalid =
      typeof request.model !== 'string'
        ? 'model: Field required'
        : !Number.isInteger(request.max_tokens)
          ? 'max_tokens: Field required'
          : !Array.isArray(request.messages) || request.messages.length === 0
            ? 'messages: at least one message is required'
            : undefined;
    if (invalid)
      return sendJson(
        exchange.res,
        400,
        { ...anthropicError(400, invalid), request_id: headers['request-id'] },
        headers,
      );

    const stream = request.stream === true;
    if (!stream && behaviour.failAfterChunks !== undefined) return exchange.breakConnection();
    if (!stream && behaviour.interrupt) return interruptedJsonAnswer(exchange, behaviour.interrupt, headers);
    const plan = planAnthropicAnswer(body, behaviour);
    const usage = anthropicUsageOf(plan);
    const meta = {
      id: fakeId('msg_01', 22),
      model: request.model as string,
      toolUseId: plan.kind === 'tool_use' && plan.id ? plan.id : fakeId('toolu_01', 22),
    };
    if (!stream) {
      // A non-streamed answer takes as long as streaming its chunks would.
      if (!(await exchange.pause(behaviour.chunkDelayMs * plan.chunks.length))) return;
      return sendJson(exchange.res, 200, anthropicMessage(plan, usage, meta), headers);
    }
    await streamSse(exchange, anthropicMessageFrames(plan, usage, meta), behaviour, headers);
  }

  return handle;
}
