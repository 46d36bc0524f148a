import { HubError } from '../../../http/hub-error.js';
import { creditsToUnits } from '../../credits/money.js';
import { type CatalogModel, costOf } from '../catalog/model-catalog.js';
import type { UsageBounds } from './usage-check.js';

/** The shortest answer worth calling the upstream for: below it, the 402 stands. */
export const MIN_ANSWER_TOKENS = 16;

/**
 * When a hold for the model's whole output limit was refused (402) and the caller named no limit:
 * the output limit the available balance pays for, with the prompt's bound, so the request runs
 * with a smaller `max_tokens` instead of failing. Undefined when the refusal was not a 402, or not
 * even {@link MIN_ANSWER_TOKENS} fit.
 */
export function fitOutputToBalance(
  refusal: unknown,
  model: CatalogModel,
  bounds: UsageBounds,
  maxOutput: number,
): { maxOutput: number; outputBound: number } | undefined {
  if (!(refusal instanceof HubError) || refusal.code !== 'insufficient_credits') return undefined;
  const available = (refusal.details as { available?: unknown } | undefined)?.available;
  if (typeof available !== 'number' || available <= 0) return undefined;
  // What the bound adds beyond the limit itself (a prediction's size): it stays.
  const extra = bounds.outputBound - maxOutput;
  const perMillion = BigInt(model.outputUnitsPerMillion);
  if (perMillion === 0n) return undefined;
  // cost = ceil((prompt * in + out * outPrice) / 10^6) <= available  <=>  out <= (available * 10^6 - prompt * in) / outPrice
  const budget =
    BigInt(creditsToUnits(available)) * 1_000_000n -
    BigInt(bounds.promptBound) * BigInt(model.inputUnitsPerMillion);
  if (budget <= 0n) return undefined;
  const affordable = Number(budget / perMillion) - extra;
  const fitted = Math.min(affordable, maxOutput - 1);
  if (fitted < MIN_ANSWER_TOKENS) return undefined;
  const outputBound = fitted + extra;
  if (costOf(model, bounds.promptBound, outputBound) > creditsToUnits(available)) return undefined;
  return { maxOutput: fitted, outputBound };
}
