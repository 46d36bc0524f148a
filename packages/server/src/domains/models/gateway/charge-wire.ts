import { unitsToCredits } from '../../credits/money.js';
import type { ChargeInfo } from '../metering/meter.js';

/** The hub's charge as it rides on a response or a final stream chunk (credits). */
export function hubField(charge: ChargeInfo, requestId: string) {
  return {
    cost: unitsToCredits(charge.cost),
    balance: unitsToCredits(charge.balance),
    requestId,
    ...(charge.cached ? { cached: true } : {}),
  };
}
