import { newId } from '@smart-ai-hub/adapters';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatUsage,
} from '@smart-ai-hub/sdk';
import { HubError } from '../../http/hub-error.js';
import type { HubContext } from '../../hub/hub-context.js';
import type { Principal } from '../auth/principal.js';
import { unitsToCredits } from '../credits/money.js';
import { assertModelAllowed } from './allowed-models.js';
import { type CatalogDeployment, type CatalogModel, costOf } from './catalog/model-catalog.js';
import { runIdempotent } from './idempotent-completion.js';
import { type ChargeInfo, creditsOf, Meter } from './metering/meter.js';
import { fitOutputToBalance } from './metering/output-fit.js';
import {
  guessPromptTokens,
  outputLimitAsked,
  outputTokenLimit,
  outputTokensBound,
  promptTokensBound,
} from './metering/prompt-bound.js';
import { checkRateLimits, recordOutputTokens } from './metering/rate-limits.js';
import { countPromptTokens, countTextTokens } from './metering/token-count.js';
import { checkedUsage, type TokenUsage, type UsageBounds } from './metering/usage-check.js';
import { UpstreamError } from './providers/upstream-error.js';
import { cacheKeyOf, readCachedCompletion, writeCachedCompletion } from './response-cache.js';
import { routeCall } from './routing/route-call.js';

export type { ChargeInfo } from './metering/meter.js';

/** One chat completion to run for an authenticated caller. */
export interface ChatCompletionCall {
  principal: Principal;
  /** The OpenAI-shaped request, `model` being a hub model id or alias. */
  request: ChatCompletionRequest;
  requestId: string;
  /** The host product's end user (OpenAI `user`, or `x-hub-end-user`). */
  endUser?: string;
  /** Aborted when the client goes away: the upstream is closed and what was produced is charged. */
  signal: AbortSignal;
  /** The route it came through, for the usage log (`/v1/chat/completions`, `/v1/messages`, `ws`). */
  endpoint: string;
  /**
   * The client's `Idempotency-Key` (the same on every retry of one logical call): the call runs
   * and is charged at most once per user and key; a retry replays the answer at no charge.
   */
  idempotencyKey?: string;
}

export type ChatCompletionResult = (
  | { kind: 'response'; response: ChatCompletion; charge: ChargeInfo }
  | {
      kind: 'stream';
      /**
       * The upstream's chunks, then one last chunk with `usage` and `hub` (after the charge is
       * settled). Breaking out, or aborting the call's signal, closes the upstream and charges
       * what was produced. A failure mid-stream throws a {@link HubError} after settling.
       */
      chunks: AsyncIterable<ChatCompletionChunk>;
      /** Settles with the charge once the stream is over, however it ended. */
      done: Promise<ChargeInfo>;
    }
) & {
  /** True when this is the stored answer of an earlier call with the same `Idempotency-Key` (charged nothing). */
  replayed?: boolean;
  /**
   * Set when the request named no output limit and the balance could not pay for the model's: the
   * limit the upstream was given instead, so the hold fits the balance (`x-hub-max-tokens`).
   */
  maxTokensLowered?: number;
};

/** The hub's charge as it rides on a response (credits). */
export function hubField(charge: ChargeInfo, requestId: string) {
  return {
    cost: unitsToCredits(charge.cost),
    balance: unitsToCredits(charge.balance),
    requestId,
    ...(charge.cached ? { cached: true } : {}),
  };
}

/**
 * The one completion path every chat surface shares (OpenAI and Anthropic endpoints, WebSocket):
 * resolve the model, check the key's allowed models and the rate limits, serve from the cache,
 * hold the worst-case cost (402 before any upstream call), call the upstream with retries and
 * fallback, settle to the reported usage, queue the usage row. With an `Idempotency-Key`, all of
 * that runs once per key (see `runIdempotent`).
 */
export async function runChatCompletion(
  hub: HubContext,
  call: ChatCompletionCall,
): Promise<ChatCompletionResult> {
  const { principal, request } = call;
  const started = Date.now();
  const model: CatalogModel =
    hub.services.models.catalog.resolve(request.model) ?? modelNotFound(request.model);
  assertModelAllowed(principal, model, request.model);
  const log = (row: Partial<UsageFacts> & Pick<UsageFacts, 'status'>) =>
    logUsage(hub, call, model, started, row);
  if (!call.idempotencyKey) return runMetered(hub, call, model, log);
  return runIdempotent(
    hub,
    { userId: principal.userId, key: call.idempotencyKey, request, signal: call.signal },
    () => runMetered(hub, call, model, log),
    (stored) => serveReplay(hub, call, stored, log),
  );
}

type UsageLog = (row: Partial<UsageFacts> & Pick<UsageFacts, 'status'>) => void;

/** The metered run itself: rate limits, cache, hold, upstream, settlement. */
async function runMetered(
  hub: HubContext,
  call: ChatCompletionCall,
  model: CatalogModel,
  log: UsageLog,
): Promise<ChatCompletionResult> {
  const service = hub.services.models;
  const { principal, request } = call;
  let maxOutput = outputTokenLimit(request, model.maxOutputTokens);
  let maxTokensLowered: number | undefined;
  const cacheKey = model.cache
    ? cacheKeyOf(model.id, request, model.cacheScope === 'user' ? principal.userId : undefined)
    : undefined;
  let meter: Meter;
  let bounds: UsageBounds;
  try {
    const promptBound = promptTokensBound(request);
    bounds = { promptBound, outputBound: outputTokensBound(request, maxOutput) };
    // The tokens-per-minute limit takes a cheap guess; the hold takes the bound.
    await checkRateLimits(
      hub.coordination.rateLimiter,
      principal,
      service.rateLimits,
      guessPromptTokens(request),
    );
    if (cacheKey) {
      const cached = await readCachedCompletion(hub, cacheKey);
      if (cached) return await serveCached(hub, call, model, cached, log);
    }
    const open = (outputBound: number) =>
      Meter.open(hub, {
        principal,
        amount: costOf(model, promptBound, outputBound),
        requestId: call.requestId,
        model: model.id,
      });
    try {
      meter = await open(bounds.outputBound);
    } catch (error) {
      // No output limit asked and the model's does not fit the balance: give the upstream the
      // limit the balance pays for (402 only when not even a minimal answer fits).
      const fitted = outputLimitAsked(request)
        ? undefined
        : fitOutputToBalance(error, model, bounds, maxOutput);
      if (fitted === undefined) throw error;
      maxOutput = fitted.maxOutput;
      maxTokensLowered = fitted.maxOutput;
      bounds = { promptBound, outputBound: fitted.outputBound };
      meter = await open(bounds.outputBound);
    }
  } catch (error) {
    // Refused before any upstream call (rate limit, credits, spending cap): still one usage row.
    log({ status: 'rejected', errorCode: error instanceof HubError ? error.code : 'internal_error' });
    throw error;
  }

  // The upstream request closes when the client goes away (the call's signal) or when the hub
  // stops reading a stream: leaving a provider's iteration closes it (the provider contract).
  const signal = call.signal;
  let attempting = false;
  const upstreamRequest = forUpstream(request, maxOutput);
  const routeOptions = {
    policy: service.retryPolicy,
    breaker: (id: string) => service.breaker(id),
    signal,
    onFailure: (d: CatalogDeployment, error: Error, willRetry: boolean) =>
      hub.log.warn(
        { requestId: call.requestId, deployment: d.id, err: error.message, willRetry },
        'upstream attempt failed',
      ),
  };
  const describe = `${model.id} (${call.endpoint})`;

  /** Settles the hold for the given tokens; logs usage; records output tokens for rate limits. */
  const charge = async (
    usage: TokenUsage,
    facts: Pick<UsageFacts, 'status' | 'errorCode' | 'deployment'>,
  ): Promise<ChargeInfo> => {
    const cost = costOf(model, usage.input, usage.output);
    const outcome = await meter.settle(cost, `${describe}: ${usage.input} in, ${usage.output} out`, {
      model: model.id,
      deployment: facts.deployment?.id,
      inputTokens: usage.input,
      outputTokens: usage.output,
    });
    log({ ...facts, inputTokens: usage.input, outputTokens: usage.output, cost: outcome.charged });
    void recordOutputTokens(hub.coordination.rateLimiter, principal, service.rateLimits, usage.output).catch(
      () => {},
    );
    return {
      cost: outcome.charged,
      balance: outcome.balance.balance,
      inputTokens: usage.input,
      outputTokens: usage.output,
      cached: false,
    };
  };

  /** The request failed before producing anything: release, or charge the prompt if it was sent when aborted. */
  const fail = async (error: unknown): Promise<never> => {
    if (call.signal.aborted && attempting) {
      const input = await countPromptTokens(request);
      await charge({ input, output: 0 }, { status: 'cancelled', errorCode: 'client_closed' });
    } else {
      await meter.release(call.signal.aborted ? 'client closed' : 'upstream failed');
      const code =
        error instanceof HubError ? error.code : call.signal.aborted ? 'client_closed' : 'internal_error';
      log({ status: call.signal.aborted ? 'cancelled' : 'error', errorCode: code });
    }
    throw error;
  };

  if (!request.stream) {
    let routed: { result: ChatCompletion; deployment: CatalogDeployment };
    try {
      routed = await routeCall(
        model,
        (d) => {
          attempting = true;
          return d.client.complete(
            { ...upstreamRequest, model: d.upstreamModel },
            { signal, requestId: call.requestId },
          );
        },
        routeOptions,
      );
    } catch (error) {
      return fail(error);
    }
    const { result, deployment } = routed;
    const reported = checkedUsage(result.usage, bounds);
    const usage = reported ?? {
      input: await countPromptTokens(request),
      output: await countTextTokens(completionTextOf(result)),
    };
    const info = await charge(usage, { status: 'ok', deployment });
    const response: ChatCompletion = {
      ...result,
      model: model.id,
      usage: reported ? result.usage : usageObject(usage),
    };
    if (cacheKey) void writeCachedCompletion(hub, cacheKey, response, service.cacheTtlMs);
    return {
      kind: 'response',
      response: { ...response, hub: hubField(info, call.requestId) },
      charge: info,
      maxTokensLowered,
    };
  }

  let routed: { result: AsyncIterable<ChatCompletionChunk>; deployment: CatalogDeployment };
  try {
    routed = await routeCall(
      model,
      (d) => {
        attempting = true;
        return d.client.stream(
          {
            ...upstreamRequest,
            model: d.upstreamModel,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal, requestId: call.requestId },
        );
      },
      routeOptions,
    );
  } catch (error) {
    return fail(error);
  }
  const { result: source, deployment } = routed;
  let resolveDone!: (info: ChargeInfo) => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<ChargeInfo>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {});
  let settled: Promise<ChargeInfo> | undefined;
  /** The text the client got (content, refusals, tool-call arguments): counted when usage is missing. */
  const delivered: string[] = [];
  const counted = async (): Promise<TokenUsage> => ({
    input: await countPromptTokens(request),
    output: await countTextTokens(delivered.join('')),
  });
  const finish = (
    usage: ChatUsage | undefined,
    status: UsageFacts['status'],
    errorCode?: string,
  ): Promise<ChargeInfo> => {
    settled ??= (async () =>
      charge(checkedUsage(usage, bounds) ?? (await counted()), { status, errorCode, deployment }))().then(
      (info) => {
        resolveDone(info);
        return info;
      },
      (error) => {
        rejectDone(error);
        throw error;
      },
    );
    return settled;
  };
  // A stream nobody iterates still ends (and settles) when the client goes away.
  let iterating = false;
  call.signal.addEventListener(
    'abort',
    () => {
      if (!iterating) void finish(undefined, 'cancelled', 'client_closed').catch(() => {});
    },
    { once: true },
  );

  async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
    iterating = true;
    let usage: ChatUsage | undefined;
    let last: ChatCompletionChunk | undefined;
    let completed = false;
    let failure: unknown;
    try {
      for await (const chunk of source) {
        if (chunk.usage) usage = chunk.usage;
        last = chunk;
        if (chunk.choices.length === 0) continue;
        yield chunk;
        // Kept once the consumer comes back for more: a chunk it dropped was not delivered.
        collectText(chunk, delivered);
      }
      completed = true;
    } catch (error) {
      failure = error;
    } finally {
      if (!completed && failure === undefined) {
        // The consumer stopped early (client gone): leaving the loop above closed the upstream;
        // charge what was produced.
        await finish(undefined, 'cancelled', 'client_closed');
      }
    }
    if (failure !== undefined) {
      const aborted = call.signal.aborted;
      // The deployment's timeoutMs bounds the whole call: past it mid-stream, a timeout (504).
      const timedOut = failure instanceof UpstreamError && failure.timeout;
      const code = timedOut ? 'upstream_timeout' : 'upstream_error';
      await finish(undefined, aborted ? 'cancelled' : 'error', aborted ? 'client_closed' : code);
      if (!aborted) service.breaker(deployment.id).failure();
      throw aborted
        ? failure
        : new HubError(
            timedOut ? 504 : 502,
            code,
            `The upstream of ${model.id} ${timedOut ? 'timed out' : 'failed'} mid-stream; you were charged for what was delivered`,
          );
    }
    if (!usage && call.signal.aborted) {
      // Some clients (the openai SDK among them) end the iteration quietly on abort.
      await finish(undefined, 'cancelled', 'client_closed');
      return;
    }
    const info = await finish(usage, 'ok');
    const believed = usage !== undefined && checkedUsage(usage, bounds) !== undefined;
    const tokens = believed ? usage! : usageObject({ input: info.inputTokens, output: info.outputTokens });
    yield {
      id: last?.id ?? call.requestId,
      object: 'chat.completion.chunk',
      created: last?.created ?? Math.floor(Date.now() / 1000),
      model: model.id,
      choices: [],
      usage: tokens,
      hub: hubField(info, call.requestId),
    };
  }

  return { kind: 'stream', chunks: chunks(), done, maxTokensLowered };
}

function modelNotFound(name: string): never {
  throw new HubError(
    404,
    'not_found',
    `Model ${name} not found: GET /v1/models lists the models you may use`,
  );
}

/** What a usage row records beyond the call's own facts. */
interface UsageFacts {
  status: 'ok' | 'error' | 'cancelled' | 'cached' | 'rejected' | 'replayed';
  errorCode?: string;
  deployment?: CatalogDeployment;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

function logUsage(
  hub: HubContext,
  call: ChatCompletionCall,
  model: CatalogModel,
  started: number,
  facts: Partial<UsageFacts> & Pick<UsageFacts, 'status'>,
): void {
  const now = Date.now();
  hub.services.models.usage.push({
    id: newId('use'),
    request_id: call.requestId,
    user_id: call.principal.userId,
    api_key_id: call.principal.apiKey?.id ?? null,
    end_user: call.endUser ?? (typeof call.request.user === 'string' ? call.request.user : null),
    model: model.id,
    provider: facts.deployment?.provider ?? null,
    deployment: facts.deployment?.id ?? null,
    endpoint: call.endpoint,
    input_tokens: facts.inputTokens ?? 0,
    output_tokens: facts.outputTokens ?? 0,
    cost: facts.cost ?? 0,
    latency_ms: now - started,
    status: facts.status,
    error_code: facts.errorCode ?? null,
    created_at: now,
  });
}

/** The request as the upstream gets it: the output limit clamped to the model's, the hub's `user` kept. */
function forUpstream(request: ChatCompletionRequest, maxOutput: number): ChatCompletionRequest {
  const out: ChatCompletionRequest = { ...request };
  if (out.max_completion_tokens !== undefined) out.max_completion_tokens = maxOutput;
  else out.max_tokens = maxOutput;
  delete out.stream_options;
  return out;
}

/** Keeps a chunk's output text (content, refusal, tool names and arguments). */
function collectText(chunk: ChatCompletionChunk, into: string[]): void {
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if (delta.content) into.push(delta.content);
    if (delta.refusal) into.push(delta.refusal);
    for (const t of delta.tool_calls ?? []) {
      if (t.function?.name) into.push(t.function.name);
      if (t.function?.arguments) into.push(t.function.arguments);
    }
  }
}

/** A completion's output text, for counting its tokens when the upstream reported none. */
function completionTextOf(completion: ChatCompletion): string {
  const texts: string[] = [];
  for (const choice of completion.choices ?? []) {
    const message = choice.message;
    if (typeof message?.content === 'string') texts.push(message.content);
    if (typeof message?.refusal === 'string') texts.push(message.refusal);
    for (const t of message?.tool_calls ?? []) texts.push(t.function.name, t.function.arguments);
  }
  return texts.join('');
}

function usageObject(usage: TokenUsage): ChatUsage {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
}

/**
 * An answer from the response cache: charged the model's cache price when the operator set one,
 * the normal price of the cached answer's tokens otherwise (a hit is never free by accident),
 * through a hold like any request. One usage row with status `cached`.
 */
async function serveCached(
  hub: HubContext,
  call: ChatCompletionCall,
  model: CatalogModel,
  cached: ChatCompletion,
  log: UsageLog,
): Promise<ChatCompletionResult> {
  const usage = cached.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const price =
    model.cacheUnits ?? costOf(model, Number(usage.prompt_tokens) || 0, Number(usage.completion_tokens) || 0);
  let cost = 0;
  let balance: number;
  if (price > 0) {
    const meter = await Meter.open(hub, {
      principal: call.principal,
      amount: price,
      requestId: call.requestId,
      model: model.id,
    });
    const outcome = await meter.settle(price, `${model.id} (${call.endpoint}): cached answer`);
    cost = outcome.charged;
    balance = outcome.balance.balance;
  } else {
    balance = (await creditsOf(hub).balance(call.principal.userId)).balance;
  }
  log({ status: 'cached', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cost });
  const info: ChargeInfo = {
    cost,
    balance,
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cached: true,
  };
  const response: ChatCompletion = {
    ...cached,
    id: `chatcmpl-${call.requestId}`,
    hub: hubField(info, call.requestId),
  };
  if (!call.request.stream) return { kind: 'response', response, charge: info };
  return {
    kind: 'stream',
    chunks: replayAsChunks(response, info, call.requestId),
    done: Promise.resolve(info),
  };
}

/**
 * The stored answer of an earlier call with the same `Idempotency-Key`, in the shape this call
 * asks for: no hold, no charge, the current balance; one usage row `replayed` with cost and tokens
 * 0 (the tokens were counted on the original row).
 */
async function serveReplay(
  hub: HubContext,
  call: ChatCompletionCall,
  stored: ChatCompletion,
  log: UsageLog,
): Promise<ChatCompletionResult> {
  const balance = (await creditsOf(hub).balance(call.principal.userId)).balance;
  log({ status: 'replayed', cost: 0 });
  const info: ChargeInfo = { cost: 0, balance, inputTokens: 0, outputTokens: 0, cached: false };
  const response: ChatCompletion = { ...stored, hub: hubField(info, call.requestId) };
  if (!call.request.stream) return { kind: 'response', response, charge: info, replayed: true };
  return {
    kind: 'stream',
    chunks: replayAsChunks(response, info, call.requestId),
    done: Promise.resolve(info),
    replayed: true,
  };
}

/** A cached completion replayed as a stream: one chunk per choice, then the usage chunk. */
async function* replayAsChunks(
  response: ChatCompletion,
  info: ChargeInfo,
  requestId: string,
): AsyncGenerator<ChatCompletionChunk> {
  const base = {
    id: response.id,
    object: 'chat.completion.chunk' as const,
    created: response.created,
    model: response.model,
  };
  for (const choice of response.choices) {
    const { role, content, tool_calls } = choice.message;
    yield {
      ...base,
      choices: [
        {
          index: choice.index,
          delta: {
            role,
            content,
            ...(tool_calls ? { tool_calls: tool_calls.map((t, index) => ({ index, ...t })) } : {}),
          },
          finish_reason: choice.finish_reason,
        },
      ],
    };
  }
  yield { ...base, choices: [], usage: response.usage ?? null, hub: hubField(info, requestId) };
}
