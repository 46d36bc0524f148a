import type { ChatCompletion } from '@smart-ai-hub/sdk';
import { costOf } from '../catalog/model-catalog.js';
import { hubField } from '../gateway/charge-wire.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import type { MeteredCall } from '../gateway/metered-call.js';
import { usageRow } from '../gateway/usage-row.js';
import { type ChargeInfo, Meter } from '../metering/meter.js';
import { answerAsChunks } from './answer-as-chunks.js';
import type { ChatCompletionResult } from './chat-completion.js';

/**
 * An answer from the response cache: charged the model's cache price when the operator set one,
 * the normal price of the cached answer's tokens otherwise (a hit is never free by accident),
 * through a hold like any request. One usage row with status `cached`.
 */
export async function serveCachedAnswer(
  deps: Pick<GatewayDeps, 'credits' | 'keySpend' | 'usage' | 'metrics'>,
  call: MeteredCall,
  cached: ChatCompletion,
  stream: boolean,
): Promise<ChatCompletionResult> {
  const { model } = call;
  const usage = cached.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const inputTokens = Number(usage.prompt_tokens) || 0;
  const outputTokens = Number(usage.completion_tokens) || 0;
  const price = model.cacheUnits ?? costOf(model, inputTokens, outputTokens);
  let cost = 0;
  let balance: number;
  if (price > 0) {
    const meter = await Meter.open(deps, {
      principal: call.principal,
      amount: price,
      requestId: call.requestId,
      model: model.id,
    });
    const outcome = await meter.settle(price, `${model.id} (${call.endpoint}): cached answer`);
    cost = outcome.charged;
    balance = outcome.balance.balance;
  } else {
    balance = (await deps.credits().balance(call.principal.userId)).balance;
  }
  deps.usage.push(usageRow(call, { status: 'cached', inputTokens, outputTokens, cost }));
  const info: ChargeInfo = { cost, balance, inputTokens, outputTokens, cached: true };
  const response: ChatCompletion = {
    ...cached,
    id: `chatcmpl-${call.requestId}`,
    hub: hubField(info, call.requestId),
  };
  if (!stream) return { kind: 'response', response, charge: info };
  return {
    kind: 'stream',
    chunks: answerAsChunks(response, info, call.requestId),
    done: Promise.resolve(info),
  };
}
