import { costOf } from '../catalog/model-catalog.js';
import { Meter, type MeterDeps } from '../metering/meter.js';
import { fitOutputToBalance } from '../metering/output-fit.js';
import type { UsageBounds } from '../metering/usage-check.js';
import type { GatewayDeps } from './gateway-deps.js';
import { inSpan } from './gateway-tracing.js';
import type { MeteredCall } from './metered-call.js';

/** What a request can be billed at most: the quote its hold is sized from. */
export interface Quote extends UsageBounds {
  /** The output limit one answer gets (the model's, or the caller's if lower). */
  maxOutput: number;
  /** True when the caller named no output limit, so the hub may lower it to fit the balance. */
  outputLimitFree: boolean;
}

export interface Held {
  meter: Meter;
  /** The quote the hold was placed for (its output lowered when it had to fit the balance). */
  quote: Quote;
  /** Set when the output limit was lowered to fit the balance: the limit the upstream gets. */
  maxTokensLowered?: number;
}

/**
 * The second stage: a hold for the quote's worst case (402 `insufficient_credits` before any
 * upstream call; 403 `spend_cap_reached` for a capped key). When the caller named no output limit
 * and the model's does not fit the balance, the hold is placed for the output the balance pays
 * for instead (402 only when not even a minimal answer fits).
 */
export function quoteAndHold(
  deps: MeterDeps & Pick<GatewayDeps, 'tracing'>,
  call: MeteredCall,
  quote: Quote,
): Promise<Held> {
  return inSpan(deps.tracing.stage(call, 'hold'), holdFor(deps, call, quote));
}

async function holdFor(deps: MeterDeps, call: MeteredCall, quote: Quote): Promise<Held> {
  const open = (q: Quote) =>
    Meter.open(deps, {
      principal: call.principal,
      amount: costOf(call.model, q.promptBound, q.outputBound),
      requestId: call.requestId,
      model: call.model.id,
    });
  try {
    return { meter: await open(quote), quote };
  } catch (error) {
    const fitted = quote.outputLimitFree
      ? fitOutputToBalance(error, call.model, quote, quote.maxOutput)
      : undefined;
    if (fitted === undefined) throw error;
    const lowered: Quote = { ...quote, maxOutput: fitted.maxOutput, outputBound: fitted.outputBound };
    return { meter: await open(lowered), quote: lowered, maxTokensLowered: fitted.maxOutput };
  }
}
