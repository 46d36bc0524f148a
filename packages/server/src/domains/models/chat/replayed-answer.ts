import type { ChatCompletion } from '@smart-ai-hub/sdk';
import { hubField } from '../gateway/charge-wire.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import type { MeteredCall } from '../gateway/metered-call.js';
import { usageRow } from '../gateway/usage-row.js';
import type { ChargeInfo } from '../metering/meter.js';
import { answerAsChunks } from './answer-as-chunks.js';
import type { ChatCompletionResult } from './chat-completion.js';

/**
 * The stored answer of an earlier call with the same `Idempotency-Key`, in the shape this call
 * asks for: no hold, no charge, the current balance; one usage row `replayed` with cost and tokens
 * 0 (the tokens were counted on the original row).
 */
export async function serveReplayedAnswer(
  deps: Pick<GatewayDeps, 'credits' | 'usage'>,
  call: MeteredCall,
  stored: ChatCompletion,
  stream: boolean,
): Promise<ChatCompletionResult> {
  const balance = (await deps.credits().balance(call.principal.userId)).balance;
  deps.usage.push(usageRow(call, { status: 'replayed', cost: 0 }));
  const info: ChargeInfo = { cost: 0, balance, inputTokens: 0, outputTokens: 0, cached: false };
  const response: ChatCompletion = { ...stored, hub: hubField(info, call.requestId) };
  if (!stream) return { kind: 'response', response, charge: info, replayed: true };
  return {
    kind: 'stream',
    chunks: answerAsChunks(response, info, call.requestId),
    done: Promise.resolve(info),
    replayed: true,
  };
}
