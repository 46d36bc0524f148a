import type { ChatCompletionChunk, ChatCompletionRequest, ChatUsage } from '@smart-ai-hub/sdk';
import { HubError } from '../../../http/hub-error.js';
import type { CatalogDeployment } from '../catalog/model-catalog.js';
import { hubField } from '../gateway/charge-wire.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import type { MeteredCall } from '../gateway/metered-call.js';
import { settleUsage } from '../gateway/settle.js';
import type { UpstreamWatch } from '../gateway/upstream-watch.js';
import type { UsageStatus } from '../gateway/usage-row.js';
import type { ChargeInfo, Meter } from '../metering/meter.js';
import { countPromptTokens, countTextTokens } from '../metering/token-count.js';
import { checkedUsage, type TokenUsage, type UsageBounds } from '../metering/usage-check.js';
import { UpstreamError } from '../providers/upstream-error.js';
import { collectText, usageObject } from './chat-text.js';

export interface MeteredStream {
  /**
   * The upstream's chunks, then one last chunk with `usage` and `hub` (after the charge is
   * settled). Breaking out, or aborting the call's signal, closes the upstream and charges what
   * was produced. A failure mid-stream throws a {@link HubError} after settling.
   */
  chunks: AsyncIterable<ChatCompletionChunk>;
  /** Settles with the charge once the stream is over, however it ended. */
  done: Promise<ChargeInfo>;
}

/**
 * The stream-and-meter stage: passes the upstream's chunks on, keeps the text the client really
 * got, and settles exactly once however the stream ends: to the upstream's usage when it reports
 * a believable one, else to the hub's own count of the prompt and of what was delivered.
 */
export function meterStream(
  deps: Pick<GatewayDeps, 'usage' | 'rateLimiter' | 'rateLimits' | 'breaker' | 'metrics' | 'tracing'>,
  call: MeteredCall,
  meter: Meter,
  bounds: UsageBounds,
  request: ChatCompletionRequest,
  upstream: {
    source: AsyncIterable<ChatCompletionChunk>;
    deployment: CatalogDeployment;
    watch: UpstreamWatch;
  },
): MeteredStream {
  const { source, deployment, watch } = upstream;
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
  /** The choices' finish reasons, and the upstream's model and id for the answer (for traces). */
  const finishReasons: string[] = [];
  let answerOf: ChatCompletionChunk | undefined;
  const counted = async (): Promise<TokenUsage> => ({
    input: await countPromptTokens(request),
    output: await countTextTokens(delivered.join('')),
  });
  const finish = (
    usage: ChatUsage | undefined,
    status: UsageStatus,
    errorCode?: string,
    failure?: unknown,
  ): Promise<ChargeInfo> => {
    settled ??= (async () => {
      const used = checkedUsage(usage, bounds) ?? (await counted());
      if (failure === undefined) {
        watch.finished({
          inputTokens: used.input,
          outputTokens: used.output,
          finishReasons,
          responseModel: answerOf?.model,
          responseId: answerOf?.id,
        });
      } else watch.brokeOff(failure);
      return settleUsage(deps, call, meter, used, { status, errorCode, deployment });
    })().then(
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
        answerOf ??= chunk;
        if (chunk.choices.length === 0) continue;
        for (const choice of chunk.choices)
          if (choice.finish_reason) finishReasons.push(choice.finish_reason);
        watch.firstToken();
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
      await finish(undefined, aborted ? 'cancelled' : 'error', aborted ? 'client_closed' : code, failure);
      if (!aborted) deps.breaker(deployment.id).failure();
      throw aborted
        ? failure
        : new HubError(
            timedOut ? 504 : 502,
            code,
            `The upstream of ${call.model.id} ${timedOut ? 'timed out' : 'failed'} mid-stream; you were charged for what was delivered`,
          );
    }
    if (!usage && call.signal.aborted) {
      // Some clients (the openai SDK among them) end the iteration quietly on abort.
      await finish(undefined, 'cancelled', 'client_closed');
      return;
    }
    const info = await finish(usage, 'ok');
    const believed = usage !== undefined && checkedUsage(usage, bounds) !== undefined;
    yield {
      id: last?.id ?? call.requestId,
      object: 'chat.completion.chunk',
      created: last?.created ?? Math.floor(Date.now() / 1000),
      model: call.model.id,
      choices: [],
      usage: believed ? usage! : usageObject({ input: info.inputTokens, output: info.outputTokens }),
      hub: hubField(info, call.requestId),
    };
  }

  return { chunks: chunks(), done };
}
