import { HubError } from '../../../http/hub-error.js';
import { costOf } from '../catalog/model-catalog.js';
import type { ChargeInfo, Meter } from '../metering/meter.js';
import { recordOutputTokens } from '../metering/rate-limits.js';
import type { TokenUsage } from '../metering/usage-check.js';
import type { GatewayDeps } from './gateway-deps.js';
import { inSpan } from './gateway-tracing.js';
import type { MeteredCall } from './metered-call.js';
import { type UsageFacts, usageRow } from './usage-row.js';

type SettleDeps = Pick<GatewayDeps, 'usage' | 'rateLimiter' | 'rateLimits' | 'metrics' | 'tracing'>;

/**
 * The last money stage: charges what `usage` costs at the model's prices (all of it, beyond the
 * hold too), writes the usage row, and counts the output tokens against the per-minute limits.
 */
export async function settleUsage(
  deps: SettleDeps,
  call: MeteredCall,
  meter: Meter,
  usage: TokenUsage,
  facts: Pick<UsageFacts, 'status' | 'errorCode' | 'deployment'>,
): Promise<ChargeInfo> {
  const { model } = call;
  const cost = costOf(model, usage.input, usage.output);
  const outcome = await inSpan(
    deps.tracing.stage(call, 'settle'),
    meter.settle(cost, `${model.id} (${call.endpoint}): ${usage.input} in, ${usage.output} out`, {
      model: model.id,
      deployment: facts.deployment?.id,
      inputTokens: usage.input,
      outputTokens: usage.output,
    }),
  );
  if (usage.cached) {
    const { deployment } = facts;
    deps.metrics.cachedTokens(
      model.id,
      deployment?.provider ?? 'none',
      deployment?.id ?? 'none',
      usage.cached,
    );
  }
  deps.usage.push(
    usageRow(call, { ...facts, inputTokens: usage.input, outputTokens: usage.output, cost: outcome.charged }),
  );
  if (usage.output > 0) {
    void recordOutputTokens(deps.rateLimiter, call.principal, deps.rateLimits, usage.output).catch(() => {});
  }
  return {
    cost: outcome.charged,
    balance: outcome.balance.balance,
    inputTokens: usage.input,
    outputTokens: usage.output,
    cached: false,
  };
}

/** Releases the hold, charging nothing, and writes the usage row of a request that failed or was refused. */
export async function releaseUnused(
  deps: SettleDeps,
  call: MeteredCall,
  meter: Meter,
  error: unknown,
): Promise<void> {
  const aborted = call.signal.aborted;
  await inSpan(
    deps.tracing.stage(call, 'release'),
    meter.release(aborted ? 'client closed' : 'upstream failed'),
  );
  deps.usage.push(
    usageRow(call, {
      status: aborted ? 'cancelled' : 'error',
      errorCode: error instanceof HubError ? error.code : aborted ? 'client_closed' : 'internal_error',
    }),
  );
}

/** The usage row of a request refused before any hold or upstream call (limits, credits, cap). */
export function recordRefusal(deps: Pick<GatewayDeps, 'usage'>, call: MeteredCall, error: unknown): void {
  deps.usage.push(
    usageRow(call, {
      status: 'rejected',
      errorCode: error instanceof HubError ? error.code : 'internal_error',
    }),
  );
}
