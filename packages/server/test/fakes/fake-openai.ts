import type { IncomingMessage, ServerResponse } from 'node:http';
import { interruptedJsonAnswer } from './answer-interrupt.js';
import { type FakeBehaviourDefaults, resolveBehaviour } from './fake-behaviour.js';
import type { FakeExchange } from './fake-exchange.js';
import type { FakeRequestHandler, FakeServerHandle } from './fake-http-server.js';
import { fakeId } from './fake-ids.js';
import { bearerToken, sendJson, splitUrl } from './http-io.js';
import { openAIEmbeddingTokens, openAIUsageOf, planOpenAIAnswer } from './openai-answer.js';
import { embeddingToBase64, fakeEmbedding } from './openai-embeddings.js';
import { chatCompletion, chatCompletionFrames, openAIError } from './openai-wire.js';
import { runScriptedPrelude } from './scripted-prelude.js';
import { streamSse } from './sse-stream.js';
import type { UpstreamControls, UpstreamControlsOptions, UpstreamState } from './upstream-controls.js';
import { startUpstreamFake } from './upstream-fake.js';

export interface FakeOpenAIOptions extends FakeBehaviourDefaults, UpstreamControlsOptions {
  /** The key `Authorization: Bearer` must carry (default `sk-fake-openai`); `null` accepts any. */
  apiKey?: string | null;
  /** Ids `GET /v1/models` lists. */
  models?: string[];
  /** Embedding length when the request sets no `dimensions` (default 1536). */
  embeddingDimensions?: number;
}

/** A running OpenAI-compatible upstream. */
export interface FakeOpenAI extends FakeServerHandle, UpstreamControls {
  /** `${url}/v1`: pass as the `openai` client's `baseURL`. */
  baseURL: string;
  apiKey: string | null;
}

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

/**
 * Starts a fake of OpenAI's API: `POST /v1/chat/completions` (JSON or SSE, tool calls,
 * `stream_options.include_usage`), `POST /v1/embeddings`, `GET /v1/models[/:id]`. Usage is
 * computed by `expectedOpenAIUsage` (see `openai-answer.ts`), so tests can assert exact charges.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey === undefined ? 'sk-fake-openai' : options.apiKey;
  const models = options.models ?? DEFAULT_MODELS;
  return startUpstreamFake(
    options,
    (state) => openAIHandler(state, options, apiKey, models),
    (url) => ({ baseURL: `${url}/v1`, apiKey }),
  );
}

function openAIHandler(
  state: UpstreamState,
  options: FakeOpenAIOptions,
  apiKey: string | null,
  models: string[],
): FakeRequestHandler {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path } = splitUrl(req);
    const exchange = state.open(req, res, path);
    const headers = {
      'x-request-id': fakeId('req_', 32),
      'openai-processing-ms': '1',
      'openai-version': '2020-10-01',
    };
    const read = await exchange.readJson(req);
    if (read === 'gone') return;
    if (read === 'malformed') {
      return sendJson(
        res,
        400,
        openAIError(400, { message: 'We could not parse the JSON body of your request.' }),
        headers,
      );
    }
    const { body } = read;
    const token = bearerToken(req);
    if (apiKey !== null && token !== apiKey) {
      const message = token
        ? `Incorrect API key provided: ${token.slice(0, 6)}***. You can find your API key at https://platform.openai.com/account/api-keys.`
        : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
      return sendJson(
        res,
        401,
        openAIError(401, { message, code: token ? 'invalid_api_key' : null }),
        headers,
      );
    }
    const route = `${req.method} ${path}`;
    if (route === 'POST /v1/chat/completions') return chat(exchange, body, headers);
    if (route === 'POST /v1/embeddings') return embeddings(exchange, body, headers);
    if (route === 'GET /v1/models') {
      return sendJson(res, 200, { object: 'list', data: models.map(modelObject) }, headers);
    }
    if (req.method === 'GET' && path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (models.includes(id)) return sendJson(res, 200, modelObject(id), headers);
      const message = `The model '${id}' does not exist or you do not have access to it.`;
      return sendJson(res, 404, openAIError(404, { message, code: 'model_not_found' }), headers);
    }
    sendJson(res, 404, openAIError(404, { message: `Invalid URL (${req.method} ${path})` }), headers);
  }

  async function chat(exchange: FakeExchange, body: unknown, headers: Record<string, string>): Promise<void> {
    const behaviour = resolveBehaviour(state.takeScript(), options);
    if (await runScriptedPrelude(exchange, behaviour, openAIError, headers)) return;
    const request = (body ?? {}) as {
      model?: unknown;
      messages?: unknown;
      stream?: unknown;
      stream_options?: unknown;
    };
    const invalid =
      typeof request.model !== 'string'
        ? { message: 'you must provide a model parameter', param: null }
        : !Array.isArray(request.messages) || request.messages.length === 0
          ? {
              message: "Invalid 'messages': empty array. Expected an array with minimum length 1.",
              param: 'messages',
            }
          : undefined;
    if (invalid) return sendJson(exchange.res, 400, openAIError(400, invalid), headers);

    const stream = request.stream === true;
    if (!stream && behaviour.failAfterChunks !== undefined) return exchange.breakConnection();
    if (!stream && behaviour.interrupt) return interruptedJsonAnswer(exchange, behaviour.interrupt, headers);
    const plan = planOpenAIAnswer(body, behaviour);
    const usage = openAIUsageOf(plan);
    const meta = {
      id: fakeId('chatcmpl-', 29),
      created: Math.floor(Date.now() / 1000),
      model: request.model as string,
      toolCallId: plan.kind === 'tool_call' && plan.id ? plan.id : fakeId('call_', 24),
    };
    if (!stream) {
      // A non-streamed answer takes as long as streaming its chunks would.
      if (!(await exchange.pause(behaviour.chunkDelayMs * plan.chunks.length))) return;
      return sendJson(exchange.res, 200, chatCompletion(plan, usage, meta), headers);
    }
    const includeUsage =
      (request.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    await streamSse(exchange, chatCompletionFrames(plan, usage, meta, includeUsage), behaviour, headers);
  }

  async function embeddings(
    exchange: FakeExchange,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<void> {
    const behaviour = resolveBehaviour(state.takeScript(), options);
    if (await runScriptedPrelude(exchange, behaviour, openAIError, headers)) return;
    const request = (body ?? {}) as {
      model?: unknown;
      input?: unknown;
      dimensions?: unknown;
      encoding_format?: unknown;
    };
    if (typeof request.model !== 'string' || request.input === undefined) {
      const message =
        typeof request.model !== 'string'
          ? 'you must provide a model parameter'
          : "Missing required parameter: 'input'.";
      return sendJson(exchange.res, 400, openAIError(400, { message }), headers);
    }
    if (behaviour.failAfterChunks !== undefined) return exchange.breakConnection();
    const inputs =
      typeof request.input === 'string' ||
      (Array.isArray(request.input) && typeof request.input[0] === 'number')
        ? [request.input]
        : (request.input as unknown[]);
    const dimensions = Number(request.dimensions ?? options.embeddingDimensions ?? 1536);
    const base64 = request.encoding_format === 'base64';
    const data = inputs.map((input, index) => {
      const vector = fakeEmbedding(input, dimensions);
      return { object: 'embedding', index, embedding: base64 ? embeddingToBase64(vector) : vector };
    });
    const tokens = openAIEmbeddingTokens(request.input);
    sendJson(
      exchange.res,
      200,
      { object: 'list', data, model: request.model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
      headers,
    );
  }

  return handle;
}

function modelObject(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}
