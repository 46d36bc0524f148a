import { unitsToCredits } from '../../credits/money.js';
import type { ChargeInfo } from '../metering/meter.js';

/** The charge of a non-streamed answer, as response headers (credits). */
export function chargeHeaders(charge: ChargeInfo): Record<string, string> {
  return {
    'x-hub-cost': String(unitsToCredits(charge.cost)),
    'x-hub-balance': String(unitsToCredits(charge.balance)),
    ...(charge.cached ? { 'x-hub-cache': 'hit' } : {}),
  };
}
