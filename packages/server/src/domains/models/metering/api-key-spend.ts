import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { unitsToCredits } from '../../credits/money.js';

/*
 * API key spending caps: a request reserves its hold against the cap (through the auth domain's
 * API key service, which owns `api_keys`), and settling swaps the reservation for the real
 * charge. Only keys with a cap pay these two statements.
 */

/** Adds `amount` to the key's spend if it stays within `cap`; 403 `spend_cap_reached` otherwise. */
export async function reserveKeySpend(
  hub: HubContext,
  keyId: string,
  amount: number,
  cap: number,
): Promise<void> {
  if (!(await hub.services.apiKeys.reserveSpend(keyId, amount, cap))) {
    throw new HubError(
      403,
      'spend_cap_reached',
      `This API key reached its spending cap of ${unitsToCredits(cap)} credits (this request may cost up to ${unitsToCredits(amount)})`,
      { spendCap: unitsToCredits(cap) },
    );
  }
}

/** Replaces a reservation by what was really charged. */
export function settleKeySpend(
  hub: HubContext,
  keyId: string,
  reserved: number,
  charged: number,
): Promise<void> {
  return hub.services.apiKeys.adjustSpend(keyId, charged - reserved);
}

/** Gives a reservation back (the hold failed). */
export function releaseKeySpend(hub: HubContext, keyId: string, reserved: number): Promise<void> {
  return settleKeySpend(hub, keyId, reserved, 0);
}
