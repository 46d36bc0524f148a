import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@smart-ai-hub/sdk';
import type { Principal } from '../../auth/principal.js';
import { admitModel, admitRequest } from '../gateway/admit.js';
import { hubField } from '../gateway/charge-wire.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import type { MeteredCall } from '../gateway/metered-call.js';
import { type Held, quoteAndHold } from '../gateway/quote-and-hold.js';
import { type Routed, routeToUpstream } from '../gateway/route.js';
import { recordRefusal, releaseUnused, settleUsage } from '../gateway/settle.js';
import type { ChargeInfo } from '../metering/meter.js';
import { guessPromptTokens } from '../metering/prompt-bound.js';
import { countPromptTokens, countTextTokens } from '../metering/token-count.js';
import { checkedUsage } from '../metering/usage-check.js';
import { serveCachedAnswer } from './cached-answer.js';
import { forUpstream, quoteChat } from './chat-quote.js';
import { completionTextOf, finishReasonsOf, usageObject } from './chat-text.js';
import { runIdempotent } from './idempotent-completion.js';
import { meterStream } from './metered-stream.js';
import { serveReplayedAnswer } from './replayed-answer.js';
import { cacheKeyOf, readCachedCompletion, writeCachedCompletion } from './response-cache.js';

export type { ChargeInfo } from '../metering/meter.js';

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
       * what was produced. A failure mid-stream throws a `HubError` after settling.
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

/**
 * The chat completion operation, which every chat surface shares (OpenAI and Anthropic endpoints,
 * WebSocket, Responses): admit (model, key, limits) -> quote and hold -> route to an upstream ->
 * answer or stream-and-meter -> settle -> usage row. With an `Idempotency-Key`, all of it runs
 * once per key; a cached answer (where the operator turned the cache on) replaces route and
 * upstream.
 */
export async function runChatCompletion(
  deps: GatewayDeps,
  input: ChatCompletionCall,
): Promise<ChatCompletionResult> {
  const { principal, request } = input;
  const model = admitModel(deps, principal, request.model);
  const call: MeteredCall = {
    principal,
    model,
    requestId: input.requestId,
    endpoint: input.endpoint,
    endUser: input.endUser ?? (typeof request.user === 'string' ? request.user : null),
    signal: input.signal,
    started: Date.now(),
  };
  const stream = request.stream === true;
  if (!input.idempotencyKey) return runMetered(deps, call, request);
  return runIdempotent(
    deps,
    { userId: principal.userId, key: input.idempotencyKey, request, signal: input.signal },
    () => runMetered(deps, call, request),
    (stored) => serveReplayedAnswer(deps, call, stored, stream),
  );
}

async function runMetered(
  deps: GatewayDeps,
  call: MeteredCall,
  request: ChatCompletionRequest,
): Promise<ChatCompletionResult> {
  const { model, principal } = call;
  const cacheKey = model.cache
    ? cacheKeyOf(model.id, request, model.cacheScope === 'user' ? principal.userId : undefined)
    : undefined;
  let held: Held;
  try {
    const quote = quoteChat(request, model);
    // The tokens-per-minute limit takes a cheap guess; the hold takes the bound.
    await admitRequest(deps, call, guessPromptTokens(request));
    if (cacheKey) {
      const cached = await readCachedCompletion(deps, cacheKey);
      deps.metrics.cacheLookup(model.id, cached !== null);
      if (cached) return await serveCachedAnswer(deps, call, cached, request.stream === true);
    }
    held = await quoteAndHold(deps, call, quote);
  } catch (error) {
    // Refused before any upstream call (bad part, rate limit, credits, spending cap): one usage row.
    recordRefusal(deps, call, error);
    throw error;
  }
  const { meter, quote, maxTokensLowered } = held;
  const upstreamRequest = forUpstream(request, quote.maxOutput);
  let attempting = false;

  /** Nothing came back: release, or charge the prompt when the client left after it was sent. */
  const fail = async (error: unknown): Promise<never> => {
    if (call.signal.aborted && attempting) {
      const input = await countPromptTokens(request);
      await settleUsage(
        deps,
        call,
        meter,
        { input, output: 0 },
        { status: 'cancelled', errorCode: 'client_closed' },
      );
    } else {
      await releaseUnused(deps, call, meter, error);
    }
    throw error;
  };
  const callInfo = { signal: call.signal, requestId: call.requestId };

  if (!request.stream) {
    let routed: Routed<ChatCompletion>;
    try {
      routed = await routeToUpstream(deps, call, (d) => {
        attempting = true;
        return d.client.complete({ ...upstreamRequest, model: d.upstreamModel }, callInfo);
      });
    } catch (error) {
      return fail(error);
    }
    const { result, deployment } = routed;
    const reported = checkedUsage(result.usage, quote);
    const usage = reported ?? {
      input: await countPromptTokens(request),
      output: await countTextTokens(completionTextOf(result)),
    };
    routed.upstream.finished({
      inputTokens: usage.input,
      outputTokens: usage.output,
      finishReasons: finishReasonsOf(result.choices),
      responseModel: result.model,
      responseId: result.id,
    });
    const info = await settleUsage(deps, call, meter, usage, { status: 'ok', deployment });
    const response: ChatCompletion = {
      ...result,
      model: model.id,
      usage: reported ? result.usage : usageObject(usage),
    };
    if (cacheKey) void writeCachedCompletion(deps, cacheKey, response);
    return {
      kind: 'response',
      response: { ...response, hub: hubField(info, call.requestId) },
      charge: info,
      maxTokensLowered,
    };
  }

  let routed: Routed<AsyncIterable<ChatCompletionChunk>>;
  try {
    routed = await routeToUpstream(deps, call, (d) => {
      attempting = true;
      return d.client.stream(
        { ...upstreamRequest, model: d.upstreamModel, stream: true, stream_options: { include_usage: true } },
        callInfo,
      );
    });
  } catch (error) {
    return fail(error);
  }
  const metered = meterStream(deps, call, meter, quote, request, {
    source: routed.result,
    deployment: routed.deployment,
    watch: routed.upstream,
  });
  return { kind: 'stream', ...metered, maxTokensLowered };
}
